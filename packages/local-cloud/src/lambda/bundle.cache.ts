import { createHash, randomUUID } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Metafile } from 'esbuild';
import { isProcessAlive } from '../process/child-process.ts';

/**
 * A build of the Lambda bundles kept between starts, used again only while nothing it was built from
 * has changed. What it was built from is what esbuild's metafile lists as inputs (every source file of
 * every bundle, `node_modules` included), read byte for byte, and what steers module resolution around
 * them: the names in every folder on the path from the working directory to an input (a file added
 * beside an import can change what the import resolves to) and the contents of the `package.json`,
 * `package-lock.json` and `tsconfig*.json` files in those folders (an `npm install` changes the lock
 * file). Any difference rebuilds.
 *
 * The file work is synchronous: a few thousand small reads take about 30 ms that way and about 120 ms
 * as many promises, and it runs while the JVM starts, with nothing else to serve meanwhile.
 */

/** Bumped when the manifest's shape or what it checks changes: older entries are then never used. */
const FORMAT = 2;
/** Entries kept (the one `npm start` uses, and a few built for other sets of functions). */
const KEPT_ENTRIES = 3;
/** Files changed this close to the start of a build may have changed while esbuild read them. */
const WRITE_SETTLE_MS = 2_000;
const RESOLUTION_FILE = /^(package\.json|package-lock\.json|tsconfig.*\.json)$/;
const MANIFEST = 'manifest.json';
const FILES = 'files';
const STAGING = '.staging-';

interface Fingerprint {
  /** Absolute path of each input -> SHA-256 of its bytes. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Absolute path of each folder on the way to an input -> SHA-256 of its names and resolution files. */
  readonly folders: Readonly<Record<string, string>>;
}

interface Manifest extends Fingerprint {
  readonly format: number;
  readonly key: string;
  /** The folder it was built in: the metafile names outputs by their path. */
  readonly builtIn: string;
  /** The working directory the metafile's paths are relative to. */
  readonly cwd: string;
  /** Each output, relative to the build folder -> SHA-256 of its bytes. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly metafile: Metafile;
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The cache entry of a build: its settings, entry points and output folder's parent in one hash. */
export const bundleCacheKey = (settings: unknown): string =>
  sha256(JSON.stringify({ format: FORMAT, settings })).slice(0, 24);

const isInside = (folder: string, root: string): boolean => {
  const path = relative(root, folder);
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
};

/**
 * Folders from each input's own up to `cwd`; for an input outside `cwd`, up to its package's folder
 * (the nearest with a `package.json`), not up to a shared temporary folder or the file system's root.
 */
const foldersOf = (inputs: readonly string[], cwd: string): string[] => {
  const folders = new Set<string>();
  for (const input of inputs) {
    let folder = dirname(input);
    const inside = isInside(folder, cwd);
    while (!folders.has(folder)) {
      folders.add(folder);
      const parent = dirname(folder);
      const top = inside ? folder === cwd : existsSync(join(folder, 'package.json'));
      if (top || parent === folder) break;
      folder = parent;
    }
  }
  return [...folders].sort();
};

const fileHash = (path: string): string => sha256(readFileSync(path));

const folderHash = (folder: string): string => {
  const names = readdirSync(folder).sort();
  const resolutionFiles = names
    .filter((name) => RESOLUTION_FILE.test(name))
    .map((name) => `${name}:${fileHash(join(folder, name))}`);
  return sha256(`${names.join('\n')}\0${resolutionFiles.join('\n')}`);
};

const hashAll = (paths: readonly string[], hash: (path: string) => string): Record<string, string> =>
  Object.fromEntries(paths.map((path) => [path, hash(path)]));

/** True when every input and folder still hashes as recorded (a file gone is a change too). */
const unchanged = (recorded: Fingerprint): boolean => {
  try {
    return (
      Object.entries(recorded.inputs).every(([path, hash]) => fileHash(path) === hash) &&
      Object.entries(recorded.folders).every(([path, hash]) => folderHash(path) === hash)
    );
  } catch {
    return false;
  }
};

/** Every file under `folder` but `except`, relative to it -> SHA-256 of its bytes. */
const outputsOf = (folder: string, except: string): Record<string, string> =>
  hashAll(
    readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
      .filter((file) => file !== except)
      .sort(),
    (file) => fileHash(join(folder, file)),
  );

/** The metafile with its output paths moved from one build folder to another (inputs stay as they are). */
const movedMetafile = (metafile: Metafile, from: string, to: string, cwd: string): Metafile => {
  // esbuild writes them relative to `cwd`, with forward slashes.
  const [fromPrefix, toPrefix] = [from, to].map((folder) => `${relative(cwd, folder).replaceAll(sep, '/')}/`);
  const move = (path: string): string =>
    fromPrefix && toPrefix && path.startsWith(fromPrefix)
      ? `${toPrefix}${path.slice(fromPrefix.length)}`
      : path;
  return {
    inputs: metafile.inputs,
    outputs: Object.fromEntries(
      Object.entries(metafile.outputs).map(([path, output]) => [
        move(path),
        {
          ...output,
          imports: output.imports.map((imported) => ({ ...imported, path: move(imported.path) })),
        },
      ]),
    ),
  };
};

export interface BundleCache {
  /**
   * Puts the cached build of `key` into `outDir` when its inputs are unchanged and its files are intact,
   * and answers its metafile (with `outDir`'s paths); undefined when it must be built.
   */
  restore(key: string, outDir: string, metafileName: string): Metafile | undefined;
  /**
   * Keeps the build in `outDir` (begun at `startedAt`, `Date.now()`) for the next start. Answers why
   * it was not kept, if it was not.
   */
  store(
    key: string,
    outDir: string,
    metafile: Metafile,
    metafileName: string,
    startedAt: number,
  ): string | undefined;
}

/** The bundle cache in `dir` (`<root>/.shop/bundle-cache` for `npm start`). */
export const createBundleCache = (dir: string): BundleCache => {
  const cwd = process.cwd();
  const entryOf = (key: string) => join(dir, key);

  const prune = (kept: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    const stale = entries
      .filter((entry) => entry.name !== kept && !entry.name.startsWith(STAGING))
      .map((entry) => ({
        name: entry.name,
        at: statSync(join(dir, entry.name, MANIFEST), { throwIfNoEntry: false })?.mtimeMs ?? 0,
      }))
      .sort((a, b) => b.at - a.at)
      .slice(KEPT_ENTRIES - 1);
    // What a start that crashed while writing left behind.
    const abandoned = entries.filter((entry) => {
      const pid = Number(entry.name.slice(STAGING.length).split('-')[0]);
      return entry.name.startsWith(STAGING) && Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid);
    });
    for (const { name } of [...stale, ...abandoned])
      rmSync(join(dir, name), { recursive: true, force: true });
  };

  return {
    restore(key, outDir, metafileName) {
      let manifest: Manifest;
      try {
        manifest = JSON.parse(readFileSync(join(entryOf(key), MANIFEST), 'utf8')) as Manifest;
      } catch {
        return undefined;
      }
      // Source maps point at the sources relative to the bundle: only a sibling folder keeps them right.
      const sameShape =
        manifest.format === FORMAT &&
        manifest.key === key &&
        manifest.cwd === cwd &&
        dirname(manifest.builtIn) === dirname(outDir);
      if (!sameShape || !unchanged(manifest)) return undefined;
      try {
        rmSync(outDir, { recursive: true, force: true });
        cpSync(join(entryOf(key), FILES), outDir, { recursive: true });
        // A copy taken while another start replaced the entry could be partial: check every file.
        const copied = outputsOf(outDir, metafileName);
        const expected = Object.entries(manifest.outputs);
        if (
          Object.keys(copied).length !== expected.length ||
          expected.some(([file, hash]) => copied[file] !== hash)
        ) {
          rmSync(outDir, { recursive: true, force: true });
          return undefined;
        }
      } catch {
        rmSync(outDir, { recursive: true, force: true });
        return undefined;
      }
      return movedMetafile(manifest.metafile, manifest.builtIn, outDir, cwd);
    },

    store(key, outDir, metafile, metafileName, startedAt) {
      const inputs = Object.keys(metafile.inputs).map((input) => resolve(cwd, input));
      const staging = join(dir, `${STAGING}${process.pid}-${randomUUID().slice(0, 8)}`);
      try {
        const fingerprint: Fingerprint = {
          inputs: hashAll(inputs, fileHash),
          folders: hashAll(foldersOf(inputs, cwd), folderHash),
        };
        // Checked after hashing: a file saved since esbuild read it shows here, and is not cached.
        if (inputs.some((input) => statSync(input).mtimeMs > startedAt - WRITE_SETTLE_MS)) {
          return 'a source file changed while it was bundled';
        }
        const manifest: Manifest = {
          format: FORMAT,
          key,
          builtIn: outDir,
          cwd,
          ...fingerprint,
          outputs: outputsOf(outDir, metafileName),
          metafile,
        };
        mkdirSync(staging, { recursive: true });
        cpSync(outDir, join(staging, FILES), {
          recursive: true,
          filter: (source) => source !== join(outDir, metafileName),
        });
        writeFileSync(join(staging, MANIFEST), JSON.stringify(manifest));
        rmSync(entryOf(key), { recursive: true, force: true });
        renameSync(staging, entryOf(key));
        prune(key);
        return undefined;
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        return `the bundle cache was not written: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
  };
};
