// The choices of "Convert Dataset", one quick pick or input each, every one with a default that Enter accepts.
import * as vscode from 'vscode';
import * as path from 'node:path';
import {
  DEFAULT_VIEWS,
  defaultMetaRoot,
  describeStateChoice,
  jointsWarning,
  resolveStateChoice,
  resolveStride,
  StateChoiceError,
  strideProblem,
  type ColorOrder,
  type ConfigData,
  type GripperChoice,
  type PoseChoice,
  type SplitRule,
  type StateChoice,
} from '../core/convert';
import type { ArrayInfo } from '../core/hdf5';

const TOTAL_STEPS = 8;

interface Pick<T> extends vscode.QuickPickItem {
  readonly value?: T;
  readonly ask?: () => Promise<T | undefined>;
}

/** Shows a quick pick whose items carry their value, or ask for it; undefined when the user pressed Escape. */
async function choose<T>(
  step: number,
  title: string,
  items: Array<Pick<T>>,
  placeHolder?: string,
): Promise<T | undefined> {
  const picked = await vscode.window.showQuickPick(items, {
    title: `Convert Dataset (${step}/${TOTAL_STEPS}): ${title}`,
    placeHolder,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  return picked.ask ? picked.ask() : picked.value;
}

async function inputNumber(
  title: string,
  prompt: string,
  value: string,
  check: (n: number) => string | undefined,
): Promise<number | undefined> {
  return await vscode.window
    .showInputBox({
      title,
      prompt,
      value,
      ignoreFocusOut: true,
      validateInput: (text) => (Number.isFinite(Number(text)) && text.trim() ? check(Number(text)) : 'Enter a number.'),
    })
    .then((text) => (text === undefined ? undefined : Number(text)));
}

export function askName(defaultName: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: `Convert Dataset (1/${TOTAL_STEPS}): dataset name`,
    prompt: "The folder under the dataset root and the meta root, and the config's dataset_names.",
    value: defaultName,
    ignoreFocusOut: true,
    validateInput: (text) =>
      /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(text) ? undefined : 'Use letters, digits, ".", "_" or "-".',
  });
}

export interface Output {
  readonly root: string;
  readonly metaRoot: string;
}

export async function askOutput(
  config: { file: string; data: ConfigData } | undefined,
  fallbackRoot: string,
): Promise<Output | undefined> {
  const items: Array<Pick<Output>> = [];
  if (config) {
    items.push({
      label: config.data.root,
      description: `dataset_root_path of ${path.basename(config.file)}`,
      detail: `Meta: ${config.data.metaRoot}`,
      value: { root: config.data.root, metaRoot: config.data.metaRoot },
    });
  }
  if (!config || path.resolve(fallbackRoot) !== path.resolve(config.data.root)) {
    items.push({
      label: fallbackRoot,
      description: config ? 'ctrlWorld.convert.outputFolder' : 'no training config found in the workspace',
      detail: `Meta: ${defaultMetaRoot(fallbackRoot)}`,
      value: { root: fallbackRoot, metaRoot: defaultMetaRoot(fallbackRoot) },
    });
  }
  items.push({
    label: '$(folder-opened) Choose a folder…',
    ask: async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        openLabel: 'Use as dataset root',
        title: 'Dataset root (dataset_root_path)',
      });
      const root = picked?.[0]?.fsPath;
      return root ? { root, metaRoot: defaultMetaRoot(root) } : undefined;
    },
  });
  return choose(
    2,
    'where train_wm will read it',
    items,
    'The dataset root (dataset_root_path); meta files go to the meta root beside it',
  );
}

export function askSplit(ratio: number): Promise<SplitRule | undefined> {
  const percent = Math.round(ratio * 1000) / 10;
  return choose<SplitRule>(3, 'validation split', [
    {
      label: `${percent}% of the episodes, seed 0`,
      description: 'drawn at random with a fixed seed: the same split every time',
      value: { kind: 'ratio', ratio, seed: 0 },
    },
    {
      label: 'Another ratio or seed…',
      ask: async () => {
        const value = await inputNumber(
          'Validation ratio',
          'Share of episodes for validation, from 0 up to 1',
          String(ratio),
          (n) => (n >= 0 && n < 1 ? undefined : 'From 0 up to (not including) 1.'),
        );
        if (value === undefined) return undefined;
        const seed = await inputNumber('Seed', 'Any whole number; the same seed gives the same split', '0', (n) =>
          Number.isInteger(n) && n >= 0 ? undefined : 'A whole number from 0.',
        );
        return seed === undefined ? undefined : { kind: 'ratio', ratio: value, seed };
      },
    },
    {
      label: 'Every k-th episode…',
      description: 'as upstream puts every 100th DROID episode in validation',
      ask: async () => {
        const k = await inputNumber(
          'Every k-th episode',
          'Episodes k, 2k, 3k, … (in name order) go to validation',
          '10',
          (n) => (Number.isInteger(n) && n >= 2 ? undefined : 'A whole number from 2.'),
        );
        return k === undefined ? undefined : { kind: 'every', k };
      },
    },
  ]);
}

export function askViews(cameras: readonly string[]): Promise<readonly string[] | undefined> {
  const defaultsPresent = DEFAULT_VIEWS.every((camera) => cameras.includes(camera));
  const items: Array<Pick<readonly string[]>> = [];
  if (defaultsPresent || cameras.length === 0) {
    items.push({
      label: DEFAULT_VIEWS.map((camera, view) => `${camera} → ${view}`).join(', '),
      description: 'default',
      value: DEFAULT_VIEWS,
    });
  }
  items.push({
    label: 'Choose the camera of each view…',
    description: cameras.length ? `cameras: ${cameras.join(', ')}` : undefined,
    ask: async () => {
      const chosen: string[] = [];
      for (let view = 0; view < 3; view++) {
        const left = cameras.filter((camera) => !chosen.includes(camera));
        const camera = await vscode.window.showQuickPick(left, {
          title: `Camera of view ${view}`,
          placeHolder: 'train_wm stacks views 0, 1, 2 from top to bottom',
          ignoreFocusOut: true,
        });
        if (!camera) return undefined;
        chosen.push(camera);
      }
      return chosen;
    },
  });
  return choose(4, 'camera of each view', items);
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** A fixed stride, or 'auto': each episode's own rate divided by the target rate (episodes may differ). */
export function askStride(fps: number, targetFps: number, downSample: number): Promise<number | 'auto' | undefined> {
  const auto = resolveStride(fps, { targetFps, downSample, stride: undefined });
  const items: Array<Pick<number | 'auto'>> = [
    {
      label: `Every ${ordinal(auto)} frame: ${fps} Hz → ${+(fps / auto).toFixed(2)} Hz`,
      description: `default: the ${targetFps} Hz Ctrl-World was pre-trained at`,
      value: 'auto',
    },
  ];
  if (auto !== downSample) {
    items.push({
      label: `Every ${ordinal(downSample)} frame: ${fps} Hz → ${+(fps / downSample).toFixed(2)} Hz`,
      description: "the config's down_sample",
      value: downSample,
    });
  }
  items.push({
    label: 'Another stride…',
    ask: () =>
      inputNumber('Frame stride', `A multiple of the config's down_sample (${downSample})`, String(auto * 2), (n) =>
        strideProblem(n, downSample),
      ),
  });
  return choose(
    5,
    'video frame rate',
    items,
    `Recorded at ${fps} Hz; train_wm reads the state of video frame f at row f × down_sample (${downSample})`,
  );
}

export function askSize(
  width: number,
  height: number,
  fromConfig: boolean,
): Promise<{ width: number; height: number } | undefined> {
  return choose(6, 'frame size of the latents', [
    {
      label: `${width}x${height}`,
      description: fromConfig ? 'from the training config' : "Ctrl-World's default",
      value: { width, height },
    },
    {
      label: 'Another size…',
      ask: async () => {
        const text = await vscode.window.showInputBox({
          title: 'Frame size',
          prompt: "WIDTHxHEIGHT, each a multiple of 8 (the config's width and height must match)",
          value: `${width}x${height}`,
          ignoreFocusOut: true,
          validateInput: (value) =>
            /^\d+x\d+$/.test(value) && value.split('x').every((n) => Number(n) >= 8 && Number(n) % 8 === 0)
              ? undefined
              : 'e.g. 320x192, multiples of 8',
        });
        if (!text) return undefined;
        const [w, h] = text.split('x').map(Number);
        return { width: w!, height: h! };
      },
    },
  ]);
}

/** The arrays of upstream's action condition: the detected pose and gripper, another pose array, or joint angles. */
export function askStates(
  arrays: readonly ArrayInfo[],
  pose: PoseChoice | 'auto',
  gripper: GripperChoice | 'auto',
  stateDim: number,
): Promise<StateChoice | undefined> {
  const items: Array<Pick<StateChoice>> = [];
  const tryResolve = (p: PoseChoice | 'auto', g: GripperChoice | 'auto') => {
    try {
      return resolveStateChoice(arrays, p, g, stateDim);
    } catch (error) {
      if (error instanceof StateChoiceError) return error;
      throw error;
    }
  };
  const detected = tryResolve(pose, gripper);
  if (!(detected instanceof StateChoiceError) && detected.pose.format !== 'joints') {
    items.push({
      label: describeStateChoice(detected),
      description: 'end-effector pose + gripper, as the pre-trained action encoder expects',
      value: detected,
    });
  }
  for (const array of arrays.filter((info) => info.shape.length === 2 && (info.shape[1] ?? 0) >= 6)) {
    if (
      !(detected instanceof StateChoiceError) &&
      detected.pose.array === array.name &&
      detected.pose.format !== 'joints'
    )
      continue;
    for (const format of ['euler', 'quat-wxyz', 'quat-xyzw'] as const) {
      const choice = tryResolve({ array: array.name, format }, gripper);
      if (choice instanceof StateChoiceError || (format !== 'euler' && (array.shape[1] ?? 0) < 7)) continue;
      items.push({ label: describeStateChoice(choice), description: `${array.dataset} as ${format}`, value: choice });
    }
  }
  const joints = tryResolve({ array: 'qpos', format: 'joints' }, gripper);
  if (!(joints instanceof StateChoiceError)) {
    items.push({
      label: `$(warning) Joint angles: ${describeStateChoice(joints)}`,
      description: 'not what the pre-trained action encoder expects',
      detail: jointsWarning('qpos'),
      value: joints,
    });
  }
  const placeHolder =
    detected instanceof StateChoiceError
      ? `${detected.message} ${detected.hint}`
      : 'Written as observation.state.cartesian_position and gripper_position';
  return choose(7, 'action condition (pose and gripper)', items, placeHolder);
}

/** Channel order of raw frames: asked only when a view camera stores raw frames. */
export function askColorOrder(current: ColorOrder): Promise<ColorOrder | undefined> {
  const other: ColorOrder = current === 'rgb' ? 'bgr' : 'rgb';
  return choose(
    8,
    'channel order of raw frames',
    [
      {
        label: current.toUpperCase(),
        description: 'ctrlWorld.datasetRawColorOrder: the order the Episode Preview shows',
        value: current,
      },
      {
        label: other.toUpperCase(),
        description:
          other === 'bgr' ? 'as OpenCV captures frames (the hand-over converter assumed BGR)' : 'red, green, blue',
        value: other,
      },
    ],
    'Check the Episode Preview: swapped red and blue mean the other order',
  );
}
