// The converted model as Caffe2/detectron2 writes it: model.pb = the predict NetDef (named
// "<graph>_predict", CPU device_option, external_input = inputs then parameters, external_output
// = outputs, meta args), model_init.pb = an unnamed NetDef of one GivenTensor*Fill per parameter
// (detectron2's construct_init_net_from_params), model.pbtxt = the predict net as text.

import { caffe2Message, emptyMessage, encodeNetDef, type DeviceOption, type NetDef } from '../proto/caffe2.js';
import type { Message } from '../proto/codec.js';
import { printText } from '../proto/text.js';
import { fillOpFor } from './fills.js';
import type { Caffe2Graph } from './fixes.js';
import { metaArgs, type MetaEntry } from './meta.js';

export interface Caffe2Nets { predictNet: NetDef; initNet: NetDef }

export function buildNets(g: Caffe2Graph, meta: readonly MetaEntry[]): Caffe2Nets {
  const cpu = emptyMessage<DeviceOption>('DeviceOption', { device_type: 0, device_id: 0 });
  const params = [...g.params.keys()];
  const predictNet = emptyMessage<NetDef>('NetDef', {
    name: `${g.name}_predict`,
    op: g.ops,
    device_option: cpu,
    arg: metaArgs(meta),
    external_input: [...g.inputs, ...params.filter((p) => !g.inputs.includes(p))],
    external_output: g.outputs.slice(),
  });
  const initNet = emptyMessage<NetDef>('NetDef', {
    op: params.map((name) => fillOpFor(name, g.params.get(name)!)),
    external_output: params,
  });
  return { predictNet, initNet };
}

export interface ModelFiles {
  'model.pb': Uint8Array;
  'model_init.pb': Uint8Array;
  'model.pbtxt': string;
}

export function encodeNets(nets: Caffe2Nets): ModelFiles {
  return {
    'model.pb': encodeNetDef(nets.predictNet),
    'model_init.pb': encodeNetDef(nets.initNet),
    'model.pbtxt': printText(nets.predictNet as unknown as Message, caffe2Message('NetDef')),
  };
}
