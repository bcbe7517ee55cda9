// torch.device('cuda:0') and torch.device('cuda', 0): a checked device name, usable wherever a device goes.
import { Device, checkDevice } from './dtype';
import * as check from '../check';

/**
 * A checked device name: `device('cuda', 0)` is 'cuda:0'. Mirrors `torch.device`.
 * @throws TypeError when type is not 'cpu', 'cuda' or 'cuda:N', or names an index and is given another; RangeError
 * for a negative index.
 */
export function device(type: string, index?: number): Device {
  check.string(type, 'type');
  if (index === undefined || index === null) return checkDevice(type, 'device');
  if (type.includes(':')) throw new TypeError(`device '${type}' already names an index; got index ${index} too`);
  return checkDevice(`${type}:${check.int(index, 'index', { min: 0 })}`, 'device');
}
