// Small tmpfs mounts (root only) to make a disk fill up or turn read-only under a real server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Mount {
  dir: string;
  remount(options: string): boolean;
  unmount(): void;
}

/** Mount a tmpfs of `size` (e.g. "256k"); null when this machine does not allow it (not root, no mount). */
export function mountTmpfs(size: string, options = ''): Mount | null {
  const dir = mkdtempSync(join(tmpdir(), 'lineage-fs-'));
  const r = Bun.spawnSync(['mount', '-t', 'tmpfs', '-o', `size=${size}${options ? `,${options}` : ''}`, 'tmpfs', dir], {
    stderr: 'pipe',
  });
  if (r.exitCode !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  return {
    dir,
    remount(opts: string) {
      return Bun.spawnSync(['mount', '-o', `remount,${opts}`, dir]).exitCode === 0;
    },
    unmount() {
      Bun.spawnSync(['umount', '-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
