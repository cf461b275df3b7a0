// `npm run demo` as a newcomer starts it (the same script, settings and environment), in a folder of its own and on
// a free port, opened in Chromium; closing stops the demo's code-server and anything its runs left behind.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, tempDir } from '../../support/fixtures';
import { freePort } from '../../support/sshd';
import { killRunsOf } from '../../support/trainingHost';
import { stopProcess, waitForHttp, Workbench } from './workbench';

export interface Demo {
  readonly workbench: Workbench;
  /** The demo's simulated GPU host (.demo/gpu-host in a real demo). */
  readonly gpuHost: string;
  close(): Promise<void>;
}

const URL_LINE = /open (http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/;

export async function startDemo(): Promise<Demo> {
  const { dir, cleanup } = await tempDir('cwf-e2e-demo-');
  const port = await freePort();
  // The test layer packages the VSIX before the e2e tests run: the demo starts from that one instead of repackaging.
  const env = { ...process.env, DEMO_PORT: String(port), DEMO_DIR: dir, DEMO_SKIP_BUILD: '1' };
  // Its own process group: npm, demo.sh and the code-server it becomes (with its extension host) stop together.
  const demo = spawn('npm', ['run', '--silent', 'demo'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  demo.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  demo.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const gpuHost = path.join(dir, 'gpu-host');
  const stop = async () => {
    await stopProcess(demo);
    // Training runs are detached from the demo (as on a real GPU host); a test that failed half-way may leave one.
    await killRunsOf(path.join(gpuHost, 'registry'));
    await cleanup();
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const fail = (why: string) => reject(new Error(`npm run demo ${why}:\n${output}`));
      const timer = setTimeout(() => fail('printed no URL within 120 s'), 120_000);
      demo.stdout.on('data', () => {
        const match = URL_LINE.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      demo.on('exit', (code) => {
        clearTimeout(timer);
        fail(`exited with ${code}`);
      });
    });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, demo, () => output);
    const workbench = await Workbench.attach({ url, userDataDir: path.join(dir, 'user-data') }, stop);
    return { workbench, gpuHost, close: () => workbench.close() };
  } catch (error) {
    await stop();
    throw error;
  }
}
