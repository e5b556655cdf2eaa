import os from 'node:os';
import path from 'node:path';

/** Where the app keeps its own files, by each OS's convention. */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['SOCKET_INSPECTOR_HOME']) return env['SOCKET_INSPECTOR_HOME'];
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Socket Inspector');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Socket Inspector');
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(os.homedir(), '.config'), 'socket-inspector');
}
