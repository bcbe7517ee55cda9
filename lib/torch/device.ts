// torch.device('cuda:0') and torch.device('cuda', 0): a checked device name, usable wherever a device goes.
import { Device, checkDevice } from './dtype';
import * as check from '../check';

export function device(type: string, index?: number): Device {
  check.string(type, 'type');
  if (index === undefined || index === null) return checkDevice(type, 'device');
  if (type.includes(':')) throw new TypeError(`device '${type}' already names an index; got index ${index} too`);
  return checkDevice(`${type}:${check.int(index, 'index', { min: 0 })}`, 'device');
}
