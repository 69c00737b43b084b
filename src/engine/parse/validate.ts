/**
 * Checks an object's body against its kind's schema (schema.ts) and a few cross-field rules the
 * API server also enforces. Problems are positioned lazily through `locate`, so a valid object
 * costs one walk over the fields the engine reads and nothing more.
 */
import { problem, type Problem, type SourceRef } from '../problems';
import { cidrProblem, ipProblem, isIP, isIPv6, portNameProblem } from './formats';
import type { FieldSchema, ObjectSchema } from './schema';
import type { ObjectPath } from './types';

export type Locate = (path: ObjectPath, atKey?: boolean) => SourceRef;

export function formatPath(path: ObjectPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The field's own name with its list indices: `spec.ports[0].port` → `port`, `externalIPs[1]`. */
export function fieldLabel(path: ObjectPath): string {
  let k = path.length - 1;
  while (k >= 0 && typeof path[k] === 'number') k--;
  if (k < 0) return formatPath(path);
  return String(path[k]) + formatPath(path.slice(k + 1));
}

/** A value as the user would recognise it, short and with control characters escaped. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'a list' : value !== null && typeof value === 'object' ? 'a mapping' : String(value);
  } catch {
    text = 'a value';
  }
  return text.length > 64 ? `${text.slice(0, 60)}…${text.endsWith('"') ? '"' : ''}` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${show(value)}`;
  if (typeof value === 'number') return `the number ${show(value)}`;
  if (typeof value === 'boolean') return `the boolean ${String(value)}`;
  return typeof value;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isPortNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;

export class Validator {
  readonly problems: Problem[] = [];
  /** Number of `error` problems found for this object. */
  errors = 0;
  constructor(private readonly locate: Locate) {}

  /** `path` may be the walker's scratch array: it is copied, never kept. */
  report(severity: 'error' | 'warning', code: string, path: ObjectPath, message: string, atKey = false): void {
    const where = formatPath(path);
    // The full path travels in `path` (formatProblem prints it); the message names the field only.
    const label = fieldLabel(path);
    const text = !label ? message : message.startsWith('is ') ? `${label} ${message}` : `${label}: ${message}`;
    this.problems.push(problem(severity, code, text, this.locate(path, atKey), where || undefined));
    if (severity === 'error') this.errors++;
  }

  /** `path` is a scratch array (pushed and popped while walking) to keep a clean walk allocation-free. */
  check(value: unknown, schema: FieldSchema, path: (string | number)[]): void {
    if (value === null || value === undefined) return; // null means "unset" in the Kubernetes API
    switch (schema.type) {
      case 'any':
        return;
      case 'string':
        if (typeof value !== 'string') this.report('error', 'bad-type', path, `must be a string, got ${typeName(value)}${quoteHint(value)}`);
        return;
      case 'bool':
        if (typeof value !== 'boolean') this.report('error', 'bad-type', path, `must be true or false, got ${typeName(value)}`);
        return;
      case 'int':
        if (typeof value !== 'number' || !Number.isInteger(value)) this.report('error', 'bad-type', path, `must be an integer, got ${typeName(value)}`);
        else if (value < schema.min || value > schema.max) this.report('error', 'out-of-range', path, `must be between ${schema.min} and ${schema.max}, got ${value}`);
        return;
      case 'port':
        if (!isPortNumber(value) && !(schema.zeroIsUnset && value === 0)) this.report('error', 'bad-port', path, `must be a port number between 1 and 65535, got ${typeName(value)}`);
        return;
      case 'portOrName':
        if (!(schema.zeroIsUnset && (value === 0 || value === ''))) this.checkPortOrName(value, path);
        return;
      case 'portName': {
        const why = typeof value === 'string' ? portNameProblem(value) : 'must be a string';
        if (why) this.report('error', 'bad-port-name', path, `${show(value)} is not a valid port name: ${why}`);
        return;
      }
      case 'ip':
        if (typeof value !== 'string') this.report('error', 'bad-ip', path, `must be an IP address string, got ${typeName(value)}`);
        else if (ipProblem(value)) this.report('error', 'bad-ip', path, `${show(value)} ${ipProblem(value)}`);
        return;
      case 'ipOr':
        if (typeof value !== 'string') this.report('error', 'bad-ip', path, `must be an IP address string, got ${typeName(value)}`);
        else if (!schema.literals.includes(value) && !isIP(value))
          this.report('error', 'bad-ip', path, `${show(value)} must be a valid IP address${schema.literals.length ? ` or ${schema.literals.map((l) => JSON.stringify(l)).join(' or ')}` : ''}`);
        return;
      case 'cidr': {
        const why = typeof value === 'string' ? cidrProblem(value) : `must be a CIDR string, got ${typeName(value)}`;
        if (why) this.report('error', 'bad-cidr', path, typeof value === 'string' ? `${show(value)} ${why}` : why);
        return;
      }
      case 'enum':
        if (typeof value !== 'string' || !schema.values.includes(value))
          this.report('error', 'bad-enum', path, `unsupported value ${show(value)}: must be one of ${schema.values.join(', ')}`);
        return;
      case 'stringMap':
        if (!isObject(value)) {
          this.report('error', 'bad-type', path, `must be a mapping of strings, got ${typeName(value)}`);
          return;
        }
        for (const k of Object.keys(value)) {
          const v = value[k];
          if (typeof v !== 'string' && v !== null)
            this.report('error', 'bad-type', [...path, k], `must be a string, got ${typeName(v)}${quoteHint(v)}`);
        }
        return;
      case 'list':
        if (!Array.isArray(value)) {
          this.report('error', 'bad-type', path, `must be a list, got ${typeName(value)}`);
          return;
        }
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          this.check(value[i], schema.of, path);
          path.pop();
        }
        return;
      case 'object':
        this.checkObject(value, schema, path);
        return;
    }
  }

  checkObject(value: unknown, schema: ObjectSchema, path: (string | number)[]): void {
    if (!isObject(value)) {
      this.report('error', 'bad-type', path, `must be a mapping, got ${typeName(value)}`);
      return;
    }
    for (const key of schema.required ?? []) {
      if (value[key] === undefined || value[key] === null) this.report('error', 'missing-field', [...path, key], 'is required');
    }
    for (const key of Object.keys(value)) {
      const field = Object.prototype.hasOwnProperty.call(schema.fields, key) ? schema.fields[key] : undefined;
      if (field) {
        path.push(key);
        this.check(value[key], field, path);
        path.pop();
      } else if (schema.closed) this.report('warning', 'unknown-field', [...path, key], `unknown field (known: ${Object.keys(schema.fields).join(', ')})`, true);
    }
  }

  /** IntOrString as Kubernetes validates it: a port number, or an IANA_SVC_NAME. */
  private checkPortOrName(value: unknown, path: ObjectPath): void {
    if (typeof value === 'number') {
      if (!isPortNumber(value)) this.report('error', 'bad-port', path, `must be a port number between 1 and 65535 or a port name, got ${show(value)}`);
    } else if (typeof value === 'string') {
      const why = portNameProblem(value);
      if (why) this.report('error', 'bad-port-name', path, `${show(value)} is not a valid port name: ${why}`);
    } else {
      this.report('error', 'bad-port', path, `must be a port number or a port name, got ${typeName(value)}`);
    }
  }
}

/** YAML 1.1 turns `yes`, `on`, `1.10` into non-strings: say how to keep them as text. */
export function quoteHint(value: unknown): string {
  return typeof value === 'boolean' || typeof value === 'number' ? ' (quote it to keep it as text)' : '';
}

/** Rules that span fields, as the API server applies them to the kinds the engine reads. */
export function checkCrossFieldRules(kind: string, body: Record<string, unknown>, v: Validator): void {
  if (kind === 'EndpointSlice') {
    const type = body.addressType;
    const eps = body.endpoints;
    if ((type === 'IPv4' || type === 'IPv6') && Array.isArray(eps)) {
      eps.forEach((ep, i) => {
        const addrs = isObject(ep) ? ep.addresses : undefined;
        if (!Array.isArray(addrs)) return;
        addrs.forEach((a, j) => {
          const ok = typeof a === 'string' && (type === 'IPv4' ? /^\d/.test(a) && !a.includes(':') && isIP(a) : isIPv6(a));
          if (!ok) v.report('error', 'bad-ip', ['endpoints', i, 'addresses', j], `${show(a)} must be a valid ${type} address (addressType is ${type})`);
        });
      });
    }
  } else if (kind === 'Node') {
    const addrs = isObject(body.status) ? body.status.addresses : undefined;
    if (Array.isArray(addrs)) {
      addrs.forEach((a, i) => {
        if (!isObject(a) || (a.type !== 'InternalIP' && a.type !== 'ExternalIP') || typeof a.address !== 'string') return;
        if (!isIP(a.address)) v.report('error', 'bad-ip', ['status', 'addresses', i, 'address'], `${show(a.address)} must be a valid IP address for type ${a.type}`);
      });
    }
    const ann = isObject(body.metadata) ? body.metadata.annotations : undefined;
    if (isObject(ann)) {
      const addr = ann['projectcalico.org/IPv4Address'];
      if (typeof addr === 'string' && cidrProblem(addr) && !isIP(addr))
        v.report('error', 'bad-cidr', ['metadata', 'annotations', 'projectcalico.org/IPv4Address'], `${show(addr)} must be an address with prefix length (e.g. 192.168.10.10/24)`);
      for (const key of ['projectcalico.org/IPv4IPIPTunnelAddr', 'projectcalico.org/IPv4VXLANTunnelAddr']) {
        const t = ann[key];
        if (typeof t === 'string' && !isIP(t)) v.report('error', 'bad-ip', ['metadata', 'annotations', key], `${show(t)} must be a valid IP address`);
      }
    }
  } else if (kind === 'IPPool') {
    const spec = isObject(body.spec) ? body.spec : undefined;
    const size = spec?.blockSize;
    if (spec && typeof spec.cidr === 'string' && typeof size === 'number' && Number.isInteger(size)) {
      const v6 = spec.cidr.includes(':');
      const [lo, hi] = v6 ? [116, 128] : [20, 32];
      if (size < lo || size > hi) v.report('error', 'out-of-range', ['spec', 'blockSize'], `must be between ${lo} and ${hi} for an ${v6 ? 'IPv6' : 'IPv4'} pool, got ${size}`);
    }
  }
}
