/**
 * Assembles the Java cataloger's archives during the test run with the JDK's `jar` tool, from the real
 * metadata in `real/` (copied from Debian's jars by real/extract.sh):
 *
 * - `jarFromReal(stem)`: a jar with that artifact's real manifest and pom.properties (if any), named
 *   `<stem>.jar`, plus a class-like payload;
 * - `shadedJar()`: one jar embedding guava's and slf4j-api's pom.properties (as maven-shade does);
 * - `webApp()`: a war whose WEB-INF/lib holds three real jars (pom / manifest-only / file-name-only);
 * - `enterpriseApp()`: an ear holding that war (archives three levels deep);
 * - `bootJar()`: a Spring Boot style jar whose BOOT-INF/lib jars are stored uncompressed;
 * - `bombJar()`: slf4j-api plus a 32 MiB entry of zeros (deflate ratio ≈ 1000).
 */
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiB } from '../../../image/limits.js';
import { run } from '../../../../test/helpers/catalog-files.js';

const REAL = join(dirname(fileURLToPath(import.meta.url)), 'real');
export const BOMB_ENTRY_BYTES = 32 * MiB;

/** Builds each fixture once per builder (every `jar` run starts a JVM, about a second). */
export class JarBuilder {
  readonly #built = new Map<string, Promise<string>>();

  constructor(readonly workDir: string) {}

  #once(key: string, build: () => Promise<string>): Promise<string> {
    let p = this.#built.get(key);
    if (!p) this.#built.set(key, (p = build()));
    return p;
  }

  /** `jar --create` of `stage` (with `manifest` when given, else the tool's default manifest). */
  async jar(name: string, stage: string, manifest?: string, opts: { store?: boolean } = {}): Promise<string> {
    const out = join(await mkdtemp(join(this.workDir, 'jar-')), name);
    const args = ['--create', '--file', out, ...(manifest ? ['--manifest', manifest] : [])];
    await run('jar', [...args, ...(opts.store ? ['--no-compress'] : []), '-C', stage, '.']);
    return out;
  }

  async stage(files: Record<string, Buffer | string> = {}): Promise<string> {
    const dir = await mkdtemp(join(this.workDir, 'stage-'));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    return dir;
  }

  /** `<stem>.jar` from real/<stem>: its META-INF/maven tree, its manifest, and a payload entry. */
  jarFromReal(stem: string, extra: Record<string, Buffer | string> = {}): Promise<string> {
    const key = `real:${stem}:${Object.keys(extra).join(',')}`;
    return this.#once(key, () => this.#jarFromReal(stem, extra));
  }

  async #jarFromReal(stem: string, extra: Record<string, Buffer | string>): Promise<string> {
    const stage = await this.stage({ [`payload/${stem}.txt`]: `payload of ${stem}\n`, ...extra });
    await cp(join(REAL, stem, 'META-INF'), join(stage, 'META-INF'), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      // Manifest-only fixtures have no META-INF/maven tree to copy.
      if (err.code !== 'ENOENT') throw err;
    });
    return this.jar(`${stem}.jar`, stage, join(REAL, stem, 'MANIFEST.MF'));
  }

  /** An uber jar (maven-shade style): two artifacts' pom.properties, the tool's own manifest. */
  shadedJar(): Promise<string> {
    return this.#once('shadedJar', () => this.#shadedJar());
  }

  async #shadedJar(): Promise<string> {
    const stage = await this.stage({ 'com/example/Main.class': 'not really bytecode' });
    for (const stem of ['guava-31.1-jre', 'slf4j-api-1.7.32']) {
      await cp(join(REAL, stem, 'META-INF'), join(stage, 'META-INF'), { recursive: true });
    }
    return this.jar('app-all.jar', stage);
  }

  /** A war with three libraries in WEB-INF/lib, each identified by a different kind of evidence. */
  webApp(): Promise<string> {
    return this.#once('webApp', () => this.#webApp());
  }

  async #webApp(): Promise<string> {
    const stage = await this.stage({ 'WEB-INF/web.xml': '<web-app/>\n' });
    for (const stem of ['commons-lang3-3.12.0', 'guice-assistedinject-4.2.3', 'aopalliance-1.0']) {
      await cp(await this.jarFromReal(stem), join(stage, 'WEB-INF', 'lib', `${stem}.jar`));
    }
    return this.jar('shop-2.0.war', stage);
  }

  /** An ear holding the war: jars three archives deep. */
  enterpriseApp(): Promise<string> {
    return this.#once('enterpriseApp', () => this.#enterpriseApp());
  }

  async #enterpriseApp(): Promise<string> {
    const stage = await this.stage();
    await cp(await this.webApp(), join(stage, 'shop-2.0.war'));
    return this.jar('shop-ear-2.0.ear', stage);
  }

  /** Spring Boot's executable-jar layout: libraries stored (not deflated) under BOOT-INF/lib. */
  bootJar(): Promise<string> {
    return this.#once('bootJar', () => this.#bootJar());
  }

  async #bootJar(): Promise<string> {
    const stage = await this.stage({ 'BOOT-INF/classes/com/example/App.class': 'not really bytecode' });
    for (const stem of ['slf4j-api-1.7.32', 'guava-31.1-jre']) {
      await cp(await this.jarFromReal(stem), join(stage, 'BOOT-INF', 'lib', `${stem}.jar`));
    }
    return this.jar('demo-0.0.1-SNAPSHOT.jar', stage, undefined, { store: true });
  }

  /** slf4j-api's real metadata plus `data/zeros.bin`, a compression bomb in miniature. */
  async bombJar(): Promise<string> {
    return this.jarFromReal('slf4j-api-1.7.32', { 'data/zeros.bin': Buffer.alloc(BOMB_ENTRY_BYTES) });
  }

  /** The first `bytes` bytes of a real jar: a truncated download. */
  async truncatedJar(bytes: number): Promise<Buffer> {
    return (await readFile(await this.jarFromReal('guava-31.1-jre'))).subarray(0, bytes);
  }
}
