/**
 * Reads JUnit XML back the way CI tools do, checking the structure that the common JUnit schemas
 * require: the Ant/Jenkins format (jenkinsci/junit-plugin `src/main/resources/hudson/tasks/junit/*.xsd`)
 * and the Ant schema `JUnit.xsd`. Rules checked:
 * - root `<testsuites>` holding `<testsuite>` elements (or a single `<testsuite>` root);
 * - `<testsuite>`: `name` and `tests` required; `tests`, `failures`, `errors`, `skipped` non-negative
 *   integers equal to what its test cases say; `time` a decimal; `timestamp` ISO 8601 without zone;
 *   children only `properties`, `testcase`, `system-out`, `system-err`;
 * - `<property>`: `name` and `value`;
 * - `<testcase>`: `name` and `classname` required, `time` a decimal; children only `skipped`, `error`,
 *   `failure`, `system-out`, `system-err`; `<failure>`/`<error>` carry `message` and `type`;
 * - `<testsuites>` counts equal the sums over its suites.
 */
import { parseXml, type XmlElement } from './xml.js';

export interface JunitCase {
  name: string;
  classname: string;
  failure?: { message: string; type: string; text: string };
  systemOut?: string;
}

export interface JunitSuite {
  name: string;
  tests: number;
  failures: number;
  timestamp?: string;
  properties: Record<string, string>;
  cases: JunitCase[];
}

export interface JunitReport {
  name?: string;
  tests: number;
  failures: number;
  suites: JunitSuite[];
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const SUITE_CHILDREN = new Set(['properties', 'testcase', 'system-out', 'system-err']);
const CASE_CHILDREN = new Set(['skipped', 'error', 'failure', 'system-out', 'system-err']);

function count(el: XmlElement, attr: string, errors: string[], required = false): number {
  const v = el.attrs[attr];
  if (v === undefined) {
    if (required) errors.push(`<${el.name} name="${el.attrs.name}"> has no ${attr}`);
    return 0;
  }
  if (!/^\d+$/.test(v)) errors.push(`<${el.name}> ${attr}="${v}" is not a non-negative integer`);
  return Number(v);
}

function readCase(el: XmlElement, errors: string[]): JunitCase {
  const name = el.attrs.name;
  const classname = el.attrs.classname;
  if (name === undefined || name === '') errors.push('<testcase> without name');
  if (classname === undefined || classname === '') errors.push(`<testcase name="${name}"> without classname`);
  if (el.attrs.time !== undefined && !DECIMAL.test(el.attrs.time))
    errors.push(`<testcase name="${name}"> time="${el.attrs.time}"`);
  const out: JunitCase = { name: name ?? '', classname: classname ?? '' };
  for (const c of el.children) {
    if (!CASE_CHILDREN.has(c.name)) errors.push(`<testcase name="${name}"> contains <${c.name}>`);
    if (c.name === 'failure' || c.name === 'error') {
      if (c.attrs.message === undefined || c.attrs.type === undefined)
        errors.push(`<${c.name}> of ${name} lacks message or type`);
      out.failure = { message: c.attrs.message ?? '', type: c.attrs.type ?? '', text: c.text };
    }
    if (c.name === 'system-out') out.systemOut = c.text;
  }
  return out;
}

function readSuite(el: XmlElement, errors: string[]): JunitSuite {
  const name = el.attrs.name ?? '';
  if (name === '') errors.push('<testsuite> without name');
  const suite: JunitSuite = {
    name,
    tests: count(el, 'tests', errors, true),
    failures: count(el, 'failures', errors),
    ...(el.attrs.timestamp !== undefined && { timestamp: el.attrs.timestamp }),
    properties: {},
    cases: [],
  };
  const errorsAttr = count(el, 'errors', errors);
  const skipped = count(el, 'skipped', errors);
  if (el.attrs.time !== undefined && !DECIMAL.test(el.attrs.time))
    errors.push(`<testsuite name="${name}"> time="${el.attrs.time}"`);
  if (suite.timestamp !== undefined && !TIMESTAMP.test(suite.timestamp))
    errors.push(`<testsuite name="${name}"> timestamp="${suite.timestamp}" is not yyyy-mm-ddThh:mm:ss`);
  for (const c of el.children) {
    if (!SUITE_CHILDREN.has(c.name)) errors.push(`<testsuite name="${name}"> contains <${c.name}>`);
    if (c.name === 'testcase') suite.cases.push(readCase(c, errors));
    if (c.name === 'properties') {
      for (const p of c.children) {
        if (p.name !== 'property' || p.attrs.name === undefined || p.attrs.value === undefined)
          errors.push(`bad <${p.name}> in properties of ${name}`);
        else suite.properties[p.attrs.name] = p.attrs.value;
      }
    }
  }
  const failed = suite.cases.filter((c) => c.failure !== undefined).length;
  if (suite.tests !== suite.cases.length)
    errors.push(`suite ${name}: tests=${suite.tests} but ${suite.cases.length} test cases`);
  if (suite.failures + errorsAttr !== failed)
    errors.push(`suite ${name}: failures=${suite.failures} errors=${errorsAttr} but ${failed} failed cases`);
  if (skipped !== 0) errors.push(`suite ${name}: skipped=${skipped} but no <skipped>`);
  return suite;
}

/** Parses and checks a JUnit XML document; throws listing every structural problem. */
export function readJunit(xml: string): JunitReport {
  const root = parseXml(xml);
  const errors: string[] = [];
  let report: JunitReport;
  if (root.name === 'testsuite') {
    const s = readSuite(root, errors);
    report = { tests: s.tests, failures: s.failures, suites: [s] };
  } else if (root.name === 'testsuites') {
    const suites = root.children.filter((c) => c.name === 'testsuite').map((c) => readSuite(c, errors));
    for (const c of root.children)
      if (c.name !== 'testsuite') errors.push(`<testsuites> contains <${c.name}>`);
    report = {
      ...(root.attrs.name !== undefined && { name: root.attrs.name }),
      tests: count(root, 'tests', errors),
      failures: count(root, 'failures', errors),
      suites,
    };
    const tests = suites.reduce((n, s) => n + s.tests, 0);
    const failures = suites.reduce((n, s) => n + s.failures, 0);
    if (root.attrs.tests !== undefined && report.tests !== tests)
      errors.push(`<testsuites> tests=${report.tests}, suites hold ${tests}`);
    if (root.attrs.failures !== undefined && report.failures !== failures)
      errors.push(`<testsuites> failures=${report.failures}, suites hold ${failures}`);
  } else {
    throw new Error(`root element <${root.name}> is neither <testsuites> nor <testsuite>`);
  }
  if (errors.length > 0) throw new Error(`JUnit structure errors:\n${errors.join('\n')}`);
  return report;
}
