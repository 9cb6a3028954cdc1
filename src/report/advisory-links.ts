/**
 * Who publishes a vulnerability id and where to read it, by the id's prefix: the source name and URL
 * that SARIF `helpUri`, CycloneDX `source`/`references`, GitLab `identifiers` and Markdown links show.
 * One table, so every format links the same page.
 */

export interface AdvisorySource {
  /** Short source name: `NVD`, `GitHub`, `Debian`, `OSV`… */
  name: string;
  /** The id's page, when the source has one per id. */
  url?: string;
  /** The id's prefix in lowercase (`cve`, `ghsa`, `dla`, `pysec`…): GitLab identifier `type`. */
  kind: string;
}

interface Rule {
  pattern: RegExp;
  name: string;
  url: (id: string) => string;
}

const enc = encodeURIComponent;

// ref. https://ossf.github.io/osv-schema/#id-modified-fields (id prefixes of the OSV databases)
const RULES: readonly Rule[] = [
  { pattern: /^CVE-\d{4}-\d+$/, name: 'NVD', url: (id) => `https://nvd.nist.gov/vuln/detail/${id}` },
  {
    pattern: /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/,
    name: 'GitHub',
    url: (id) => `https://github.com/advisories/${id}`,
  },
  {
    pattern: /^(DSA|DLA|DTSA)-\d+(-\d+)?$/,
    name: 'Debian',
    url: (id) => `https://security-tracker.debian.org/tracker/${id}`,
  },
  { pattern: /^(USN)-\d+-\d+$/, name: 'Ubuntu', url: (id) => `https://ubuntu.com/security/notices/${id}` },
  {
    pattern: /^(RHSA|RHBA|RHEA)-\d{4}:\d+$/,
    name: 'Red Hat',
    url: (id) => `https://access.redhat.com/errata/${id}`,
  },
  {
    pattern:
      /^(PYSEC|GO|RUSTSEC|RSEC|MAL|OSV|GSD|UVI|BIT|PSF|CURL|HSEC|ALSA|ALBA|ALEA|RLSA|RXSA|DEBIAN|UBUNTU|MGASA|SUSE|openSUSE)-/,
    name: 'OSV',
    url: (id) => `https://osv.dev/vulnerability/${enc(id)}`,
  },
];

/**
 * @example
 * advisorySource('CVE-2023-4911') // { name: 'NVD', kind: 'cve', url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-4911' }
 * advisorySource('XYZ-1')         // { name: 'unknown', kind: 'xyz' }
 */
export function advisorySource(id: string): AdvisorySource {
  const kind = /^([A-Za-z]+)[-:]/.exec(id)?.[1]?.toLowerCase() ?? 'other';
  const r = RULES.find((x) => x.pattern.test(id));
  return r ? { name: r.name, kind, url: r.url(id) } : { name: 'unknown', kind };
}

/** `CWE-79` → 79; undefined for anything else. */
export function cweNumber(cwe: string): number | undefined {
  const m = /^CWE-(\d+)$/i.exec(cwe.trim());
  return m ? Number(m[1]) : undefined;
}

export function cweUrl(n: number): string {
  return `https://cwe.mitre.org/data/definitions/${n}.html`;
}
