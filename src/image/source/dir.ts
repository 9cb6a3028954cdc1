/**
 * `dir:PATH`: an unpacked root filesystem (a chroot, `umoci unpack` bundle's rootfs, a debootstrap tree),
 * treated as a single layer. Files are read in place with lstat (links are never followed on the host),
 * so a symlink in the tree pointing at `/etc/shadow` resolves inside the image view, never on this host.
 */
import { constants, createReadStream } from 'node:fs';
import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack as tarPack } from 'tar-stream';
import { AppError } from '../../errors.js';
import type { FileView, TreeNode } from '../file-view.js';
import type { EntryStat, LayerWalkStats } from '../layer/walker.js';
import type { Limits } from '../limits.js';
import { computeDigest } from '../layer/digest.js';
import type { Image, ImageSource, ResolveOptions } from '../types.js';

interface HostEntry extends EntryStat {
  path: string;
  host: string;
  linkTarget?: string;
}

/** Walks a host directory without following links, depth first, sorted (deterministic). */
async function* walkHost(root: string, limits: Limits): AsyncGenerator<HostEntry> {
  const stack: string[] = [''];
  let count = 0;
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const dir = await opendir(join(root, rel));
    const names: string[] = [];
    for await (const d of dir) names.push(d.name);
    names.sort();
    const subdirs: string[] = [];
    for (const name of names) {
      if (++count > limits.maxEntriesPerLayer) {
        throw new AppError('IMAGE_LIMIT_EXCEEDED', `${root}: more than ${limits.maxEntriesPerLayer} entries`);
      }
      const path = `${rel}/${name}`;
      const host = join(root, path);
      const st = await lstat(host);
      const type: TreeNode['type'] = st.isFile()
        ? 'file'
        : st.isDirectory()
          ? 'dir'
          : st.isSymbolicLink()
            ? 'symlink'
            : st.isCharacterDevice()
              ? 'char'
              : st.isBlockDevice()
                ? 'block'
                : 'fifo';
      const e: HostEntry = {
        path,
        host,
        type,
        mode: st.mode & 0o7777,
        size: type === 'file' ? st.size : 0,
        uid: st.uid,
        gid: st.gid,
        mtime: st.mtimeMs,
      };
      if (type === 'symlink') e.linkTarget = await readlink(host);
      yield e;
      if (type === 'dir') subdirs.push(path);
    }
    for (const s of subdirs.reverse()) stack.push(s);
  }
}

/** Fills `view` from the host tree; bodies are read on demand from the host path. */
export async function readRootfsInto(root: string, view: FileView, limits: Limits): Promise<LayerWalkStats> {
  let entries = 0;
  let bytes = 0;
  for await (const e of walkHost(root, limits)) {
    entries++;
    bytes += e.size;
    const node: TreeNode = {
      type: e.type,
      mode: e.mode,
      size: e.size,
      uid: e.uid,
      gid: e.gid,
      mtime: e.mtime,
      layerIndex: 0,
      hostPath: e.host,
    };
    if (e.linkTarget !== undefined) node.linkTarget = e.linkTarget;
    view.put(e.path, node);
  }
  return { storedBytes: bytes, uncompressedBytes: bytes, entries, compression: 'none' };
}

/** Reads a host file without following a final symlink (the tree may have changed since listing). */
export async function readHostFile(host: string, maxBytes: number): Promise<Buffer> {
  const fh = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const { size } = await fh.stat();
    if (size > maxBytes)
      throw new AppError('IMAGE_LIMIT_EXCEEDED', `${host} is ${size} bytes (limit ${maxBytes})`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** The tree as a tar stream (for `--layer 0` listings and exports), produced on the fly. */
function packTree(root: string, limits: Limits): Readable {
  const pack = tarPack();
  const run = async (): Promise<void> => {
    for await (const e of walkHost(root, limits)) {
      const header = {
        name: e.path.slice(1),
        mode: e.mode,
        uid: e.uid,
        gid: e.gid,
        mtime: new Date(e.mtime),
      };
      if (e.type === 'file') {
        const body = pack.entry({ ...header, size: e.size, type: 'file' });
        await new Promise<void>((res, rej) =>
          createReadStream(e.host)
            .on('error', rej)
            .pipe(body as unknown as NodeJS.WritableStream)
            .on('finish', res)
            .on('error', rej),
        );
      } else if (e.type === 'dir' || e.type === 'symlink') {
        pack.entry({
          ...header,
          type: e.type === 'dir' ? 'directory' : 'symlink',
          ...(e.linkTarget !== undefined && { linkname: e.linkTarget }),
        });
      }
    }
    pack.finalize();
  };
  run().catch((err: unknown) => pack.destroy(err as Error));
  return Readable.from(pack);
}

export const dirSource = {
  kind: 'dir',
  async resolve(location: string, opts: ResolveOptions): Promise<Image> {
    const st = await lstat(location).catch(() => undefined);
    if (!st?.isDirectory()) throw new AppError('IMAGE_NOT_FOUND', `${location} is not a directory`);
    const listing: string[] = [];
    for await (const e of walkHost(location, opts.limits))
      listing.push(`${e.path}\0${e.type}\0${e.size}\0${e.mode}\0${e.linkTarget ?? ''}`);
    const digest = computeDigest(listing.join('\n'));
    return {
      ref: `dir:${location}`,
      source: 'dir',
      config: {
        architecture: '',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: [digest] },
        history: [],
      },
      platform: { os: 'linux', architecture: '' },
      repoTags: [],
      repoDigests: [],
      layers: [
        {
          index: 0,
          digest,
          diffId: digest,
          mediaType: 'application/vnd.oci.image.layer.v1.tar',
          size: -1,
          createdBy: `rootfs ${location}`,
          open: () => Promise.resolve(packTree(location, opts.limits)),
        },
      ],
      emptyHistory: [],
      rootDir: location,
      close: () => Promise.resolve(),
    };
  },
} satisfies ImageSource;
