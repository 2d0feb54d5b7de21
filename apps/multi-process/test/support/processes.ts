import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerConfig, WorkerReport } from './worker-protocol';

const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('../fixtures/worker.ts', import.meta.url));

/**
 * Real worker processes (`node --conditions=@kit/source --import tsx test/fixtures/worker.ts`),
 * started once per test file: each run builds a fresh kit stack in every process it uses, the way a
 * process starting up would, so the files pay the start-up of node + tsx once.
 */
export interface WorkerPool {
  /** Runs one config per process (the first `configs.length` processes), all at once, and collects the reports. */
  run(configs: readonly WorkerConfig[]): Promise<WorkerReport[]>;
  /** Ends every process (killed if it does not exit at once). */
  close(): Promise<void>;
}

interface Worker {
  child: ChildProcess;
  stderr: () => string;
  /** Rejects when the process exits or fails to spawn. */
  gone: Promise<never>;
}

function spawnWorker(index: number): Worker {
  const child = spawn(process.execPath, ['--conditions=@kit/source', '--import', 'tsx', WORKER], {
    cwd: APP_DIR,
    env: process.env,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
    process.stderr.write(chunk);
  });
  const gone = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`worker ${index}: ${error.message}`)));
    child.once('exit', (code, signal) =>
      reject(new Error(`worker ${index} exited (${signal ?? code})\n${stderr}`)),
    );
  });
  // Listeners are attached where it is awaited; this keeps an exit at the end from being unhandled.
  gone.catch(() => {});
  return { child, stderr: () => stderr, gone };
}

/** Waits for the next message of `type` from `child` (the listener is removed either way). */
function nextMessage<T>(worker: Worker, type: string): Promise<T> {
  let listener: ((message: { type?: string }) => void) | undefined;
  const message = new Promise<T>((resolve, reject) => {
    listener = (received: { type?: string; message?: string }) => {
      if (received?.type === type) resolve(received as T);
      else if (received?.type === 'failed') reject(new Error(`worker run failed: ${received.message}`));
    };
    worker.child.on('message', listener);
  });
  return Promise.race([message, worker.gone]).finally(() => {
    if (listener) worker.child.off('message', listener);
  });
}

/** Starts `size` worker processes in parallel and resolves once every one has loaded kit and said "ready". */
export async function startWorkerPool(size: number): Promise<WorkerPool> {
  const workers = Array.from({ length: size }, (_, index) => spawnWorker(index));
  const pool: WorkerPool = {
    async run(configs) {
      if (configs.length > workers.length)
        throw new Error(`the pool has ${workers.length} processes, not ${configs.length}`);
      const reports = configs.map((_, i) =>
        nextMessage<{ report: WorkerReport }>(workers[i] as Worker, 'report').then((m) => m.report),
      );
      for (const [i, config] of configs.entries()) (workers[i] as Worker).child.send({ type: 'run', config });
      return Promise.all(reports);
    },
    async close() {
      await Promise.all(
        workers.map(async ({ child }) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          if (child.connected) child.send({ type: 'exit' });
          const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
  try {
    await Promise.all(workers.map((worker) => nextMessage(worker, 'ready')));
  } catch (error) {
    for (const { child } of workers) child.kill('SIGKILL');
    throw error;
  }
  return pool;
}
