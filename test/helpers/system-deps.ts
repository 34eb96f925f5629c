// Installs a missing system command with apt-get (as root) before a test needs it; does nothing when it is present.

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
/** Wait for a concurrent apt/dpkg run instead of failing on its lock. */
const LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=600'];

function apt(args: string[]): { ok: boolean; output: string } {
  const r = Bun.spawnSync(['apt-get', ...LOCK_WAIT, ...args], {
    env: APT_ENV,
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: 15 * 60_000,
  });
  return { ok: r.exitCode === 0, output: `${r.stdout.toString()}${r.stderr.toString()}`.slice(-2000) };
}

/** Path of `command`, installing Debian package `aptPackage` first when it is missing. Throws one clear line when it cannot. */
export function ensureCommand(command: string, aptPackage: string): string {
  const found = Bun.which(command);
  if (found !== null) return found;
  if (process.getuid?.() !== 0)
    throw new Error(`${command} is missing; install it with: sudo apt-get install -y ${aptPackage}`);
  let result = apt(['install', '-y', aptPackage]);
  if (!result.ok) {
    // A fresh machine may have no package lists yet.
    apt(['update']);
    result = apt(['install', '-y', aptPackage]);
  }
  const installed = Bun.which(command);
  if (installed === null)
    throw new Error(`${command} is missing and apt-get install ${aptPackage} failed:\n${result.output}`);
  return installed;
}
