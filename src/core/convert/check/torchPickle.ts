// Runs the small part of Python's pickle machine that torch.save's data.pkl uses, to learn a tensor's shape and
// dtype without torch. Nothing is executed: globals are only names, and only _rebuild_tensor_v2 is understood.

/** A tensor as data.pkl describes it. */
export interface PickledTensor {
  readonly kind: 'tensor';
  readonly shape: number[];
  readonly dtype: string;
  /** The zip entry `data/<key>` that holds its storage. */
  readonly storageKey: string;
  /** Elements of the storage and the tensor's first element in it. */
  readonly storageElements: number;
  readonly storageOffset: number;
  readonly itemSize: number;
}

export class PickleError extends Error {}

interface Global {
  readonly kind: 'global';
  readonly name: string;
}
interface Storage {
  readonly kind: 'storage';
  readonly dtype: string;
  readonly itemSize: number;
  readonly key: string;
  readonly elements: number;
}
interface Opaque {
  readonly kind: 'opaque';
  readonly name: string;
}
type Value =
  | number
  | string
  | boolean
  | null
  | bigint
  | Uint8Array
  | Value[]
  | Global
  | Storage
  | Opaque
  | PickledTensor
  | Map<unknown, unknown>;

const MARK = Symbol('mark');

/** torch's typed storage classes by name: dtype and bytes per element. */
const STORAGES: Record<string, [string, number]> = {
  FloatStorage: ['float32', 4],
  DoubleStorage: ['float64', 8],
  HalfStorage: ['float16', 2],
  BFloat16Storage: ['bfloat16', 2],
  LongStorage: ['int64', 8],
  IntStorage: ['int32', 4],
  ShortStorage: ['int16', 2],
  CharStorage: ['int8', 1],
  ByteStorage: ['uint8', 1],
  BoolStorage: ['bool', 1],
};

function isKind<K extends string>(value: unknown, kind: K): value is { kind: K } {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === kind;
}

/** The object a data.pkl describes; a tensor is `{ kind: 'tensor', … }`. */
export function unpickle(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Array<Value | typeof MARK> = [];
  const memo = new Map<number, Value>();
  let position = 0;
  const need = (length: number) => {
    if (position + length > bytes.length) throw new PickleError('data.pkl ends early');
    const start = position;
    position += length;
    return start;
  };
  const u8 = () => bytes[need(1)]!;
  const u16 = () => view.getUint16(need(2), true);
  const u32 = () => view.getUint32(need(4), true);
  const text = (length: number) => new TextDecoder().decode(bytes.subarray(need(length), position));
  const line = () => {
    const end = bytes.indexOf(0x0a, position);
    if (end < 0) throw new PickleError('data.pkl ends inside a name');
    const value = new TextDecoder().decode(bytes.subarray(position, end));
    position = end + 1;
    return value;
  };
  const pop = (): Value => {
    const value = stack.pop();
    if (value === undefined || value === MARK) throw new PickleError('data.pkl pops an empty stack');
    return value;
  };
  const popMark = (): Value[] => {
    const index = stack.lastIndexOf(MARK);
    if (index < 0) throw new PickleError('data.pkl has no mark');
    const items = stack.splice(index) as Value[];
    items.shift();
    return items;
  };
  const top = () => stack[stack.length - 1] as Value;

  while (true) {
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        need(8);
        break; // FRAME
      case 0x2e:
        return pop(); // STOP
      case 0x63: {
        const module = line();
        stack.push({ kind: 'global', name: `${module}.${line()}` });
        break;
      } // GLOBAL
      case 0x93: {
        const name = pop();
        const module = pop();
        stack.push({ kind: 'global', name: `${String(module)}.${String(name)}` });
        break;
      } // STACK_GLOBAL
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
        stack.push(memoGet(memo, u8()));
        break; // BINGET
      case 0x6a:
        stack.push(memoGet(memo, u32()));
        break; // LONG_BINGET
      case 0x28:
        stack.push(MARK);
        break; // MARK
      case 0x74:
        stack.push(popMark());
        break; // TUPLE
      case 0x29:
        stack.push([]);
        break; // EMPTY_TUPLE
      case 0x85:
        stack.push([pop()]);
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        stack.push([pop(), b]);
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      } // TUPLE3
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x61: {
        const item = pop();
        (top() as Value[]).push(item);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        (top() as Value[]).push(...items);
        break;
      } // APPENDS
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x73: {
        const value = pop();
        const key = pop();
        setItem(top(), key, value);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        for (let i = 0; i + 1 < items.length; i += 2) setItem(top(), items[i], items[i + 1]);
        break;
      } // SETITEMS
      case 0x58:
        stack.push(text(u32()));
        break; // BINUNICODE
      case 0x8c:
        stack.push(text(u8()));
        break; // SHORT_BINUNICODE
      case 0x8d: {
        const length = Number(view.getBigUint64(need(8), true));
        stack.push(text(length));
        break;
      } // BINUNICODE8
      case 0x55:
        stack.push(text(u8()));
        break; // SHORT_BINSTRING
      case 0x54:
        stack.push(text(u32()));
        break; // BINSTRING
      case 0x43: {
        const length = u8();
        stack.push(bytes.slice(need(length), position));
        break;
      } // SHORT_BINBYTES
      case 0x42: {
        const length = u32();
        stack.push(bytes.slice(need(length), position));
        break;
      } // BINBYTES
      case 0x4a:
        stack.push(view.getInt32(need(4), true));
        break; // BININT
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x8a:
        stack.push(long1(bytes.subarray(need(u8()), position)));
        break; // LONG1
      case 0x47:
        stack.push(view.getFloat64(need(8), false));
        break; // BINFLOAT (big-endian)
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x51:
        stack.push(persistent(pop()));
        break; // BINPERSID
      case 0x52: {
        const args = pop();
        stack.push(reduce(pop(), args));
        break;
      } // REDUCE
      case 0x81: {
        const args = pop();
        stack.push(reduce(pop(), args));
        break;
      } // NEWOBJ
      case 0x62:
        pop();
        break; // BUILD: the state of an object the check does not look into
      default:
        throw new PickleError(`data.pkl uses pickle opcode 0x${op.toString(16)}, which a torch tensor file does not`);
    }
  }
}

function memoGet(memo: Map<number, Value>, key: number): Value {
  if (!memo.has(key)) throw new PickleError('data.pkl refers to a value it never stored');
  return memo.get(key)!;
}

function setItem(target: Value, key: unknown, value: unknown): void {
  if (target instanceof Map) target.set(key, value);
}

function long1(bytes: Uint8Array): number {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  if (bytes.length > 0 && bytes[bytes.length - 1]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return Number(value);
}

/** torch's persistent id: ('storage', <storage class>, key, location, numel). */
function persistent(id: Value): Storage | Opaque {
  if (!Array.isArray(id) || id[0] !== 'storage' || !isKind(id[1], 'global'))
    return { kind: 'opaque', name: 'persistent' };
  const className = (id[1] as Global).name.split('.').pop() ?? '';
  const [dtype, itemSize] = STORAGES[className] ?? [className, 0];
  return { kind: 'storage', dtype, itemSize, key: String(id[2]), elements: Number(id[4]) };
}

function reduce(callable: Value, args: Value): Value {
  if (!isKind(callable, 'global')) return { kind: 'opaque', name: 'call' };
  const name = (callable as Global).name;
  if (
    name === 'torch._utils._rebuild_tensor_v2' &&
    Array.isArray(args) &&
    isKind(args[0], 'storage') &&
    Array.isArray(args[2])
  ) {
    const storage = args[0] as Storage;
    return {
      kind: 'tensor',
      shape: (args[2] as Value[]).map(Number),
      dtype: storage.dtype,
      storageKey: storage.key,
      storageElements: storage.elements,
      storageOffset: Number(args[1]),
      itemSize: storage.itemSize,
    };
  }
  if (name === 'collections.OrderedDict') return new Map();
  return { kind: 'opaque', name };
}
