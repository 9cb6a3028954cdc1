/**
 * Flags shared by every command that reads an image (inspect, ls-files, and later sbom/scan/sign…):
 * platform, registry credentials and TLS, Docker host, safety limits.
 */
import { Option, type Command } from 'commander';
import { AppError } from '../errors.js';
import { defaultLimits, parseSize, type Limits } from '../image/limits.js';
import { DEFAULT_PLATFORM, parsePlatform } from '../image/manifest.js';
import type { RegistryOptions, ResolveOptions } from '../image/types.js';

/** How to reach a registry: flags of every command that talks to one (image readers, sign, attest, verify). */
export interface RegistryFlags {
  insecure?: boolean;
  caFile?: string[];
  username?: string;
  password?: string;
}

export interface ImageFlags extends RegistryFlags {
  platform?: string;
  dockerHost?: string;
  maxImageSize?: string;
  maxLayerSize?: string;
  maxFileSize?: string;
  maxEntries?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--insecure`, `--ca-file` (repeatable), `--username`, `--password` (also read from the environment). */
export function addRegistryFlags(cmd: Command): Command {
  return cmd
    .option('--insecure', 'registry: use plain HTTP and skip TLS verification')
    .option('--ca-file <pem>', 'registry: extra CA certificate to trust (repeatable)', collect)
    .addOption(new Option('--username <user>', 'registry user name').env('CORRAL_REGISTRY_USERNAME'))
    .addOption(
      new Option('--password <password>', 'registry password or token').env('CORRAL_REGISTRY_PASSWORD'),
    );
}

/** The registry options the flags ask for; flags not given leave their option out. */
export function registryOptionsFromFlags(f: RegistryFlags): RegistryOptions {
  const credentials =
    f.username !== undefined || f.password !== undefined
      ? {
          ...(f.username !== undefined && { username: f.username }),
          ...(f.password !== undefined && { password: f.password }),
        }
      : undefined;
  return {
    ...(f.insecure === true && { insecure: true }),
    ...(f.caFile !== undefined && { caFiles: f.caFile }),
    ...(credentials && { credentials }),
  };
}

export function addImageOptions(cmd: Command): Command {
  return addRegistryFlags(
    cmd.option(
      '--platform <os/arch[/variant]>',
      'platform to pick from a multi-platform image',
      'linux/amd64',
    ),
  )
    .addOption(
      new Option('--docker-host <url>', 'Docker Engine endpoint for docker: references').env('DOCKER_HOST'),
    )
    .option('--max-image-size <size>', 'cap on decompressed bytes of the whole image (e.g. 32GiB)')
    .option('--max-layer-size <size>', 'cap on decompressed bytes of one layer (e.g. 16GiB)')
    .option('--max-file-size <size>', 'cap on one file read from the image (e.g. 2GiB)')
    .option('--max-entries <n>', 'cap on tar entries per layer');
}

function size(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = parseSize(text);
  if (n === undefined || n <= 0)
    throw new AppError('CLI_USAGE', `invalid size for ${flag}: "${text}"`, {
      hint: 'use e.g. 512MiB, 4GiB or a byte count',
    });
  return n;
}

export function limitsFromFlags(f: ImageFlags): Limits {
  const overrides: Partial<Limits> = {};
  const total = size('--max-image-size', f.maxImageSize);
  const layer = size('--max-layer-size', f.maxLayerSize);
  const file = size('--max-file-size', f.maxFileSize);
  if (total !== undefined) overrides.maxTotalBytes = total;
  if (layer !== undefined) overrides.maxLayerBytes = layer;
  if (file !== undefined) overrides.maxFileBytes = file;
  if (f.maxEntries !== undefined) {
    const n = Number(f.maxEntries);
    if (!Number.isInteger(n) || n <= 0)
      throw new AppError('CLI_USAGE', `invalid --max-entries "${f.maxEntries}"`);
    overrides.maxEntriesPerLayer = n;
  }
  return defaultLimits(overrides);
}

export function resolveOptionsFromFlags(f: ImageFlags): ResolveOptions {
  return {
    limits: limitsFromFlags(f),
    platform: f.platform !== undefined ? parsePlatform(f.platform) : DEFAULT_PLATFORM,
    ...(f.dockerHost !== undefined && { dockerHost: f.dockerHost }),
    registry: registryOptionsFromFlags(f),
  };
}
