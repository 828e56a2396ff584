#!/usr/bin/python3
"""Runs a quantized .tflite file as it is, in Arm NN's reference backend (CpuRef), on a batch of
raw inputs, and prints the top 5 of each output as JSON: the independent reference the TFLite
importer's float rebuild is compared with (src/inference/importers/tflite.test.ts).

    /usr/bin/python3 armnn_reference.py MODEL.tflite INPUTS.bin COUNT

INPUTS.bin holds COUNT inputs, each the model input's bytes (e.g. 224*224*3 uint8, NHWC).
Needs Debian's python3-pyarmnn (apt-get install -y python3-pyarmnn) and its numpy.
The output is dequantized with the output tensor's own scale and zero point.
"""
import json
import sys

import numpy as np
import pyarmnn as ann


def main():
    model, inputs, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(model)
    input_name = parser.GetSubgraphInputTensorNames(0)[0]
    output_name = parser.GetSubgraphOutputTensorNames(0)[0]
    input_info = parser.GetNetworkInputBindingInfo(0, input_name)
    output_info = parser.GetNetworkOutputBindingInfo(0, output_name)
    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _ = ann.Optimize(network, [ann.BackendId('CpuRef')], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    net_id, _ = runtime.LoadNetwork(optimized)
    in_tensor_info = input_info[1]
    dtype = np.uint8 if in_tensor_info.GetDataType() == ann.DataType_QAsymmU8 else np.int8
    shape = tuple(in_tensor_info.GetShape()[i] for i in range(in_tensor_info.GetNumDimensions()))
    size = int(np.prod(shape))
    data = np.fromfile(inputs, dtype=dtype)
    if data.size != size * count:
        raise SystemExit(f'{inputs} has {data.size} values, not {count} inputs of shape {shape}')
    out_info = output_info[1]
    scale, zero_point = out_info.GetQuantizationScale(), out_info.GetQuantizationOffset()
    results = []
    for i in range(count):
        x = data[i * size:(i + 1) * size].reshape(shape)
        input_tensors = ann.make_input_tensors([input_info], [x])
        output_tensors = ann.make_output_tensors([output_info])
        runtime.EnqueueWorkload(net_id, input_tensors, output_tensors)
        q = ann.workload_tensors_to_ndarray(output_tensors)[0].reshape(-1).astype(np.float64)
        p = (q - zero_point) * scale
        top = np.argsort(-p, kind='stable')[:5]
        results.append([[int(c), round(float(p[c]), 6)] for c in top])
    json.dump({'armnn_version': ann.ARMNN_VERSION, 'backend': 'CpuRef', 'input_shape': list(shape), 'output_scale': scale, 'output_zero_point': zero_point, 'top5': results}, sys.stdout)


if __name__ == '__main__':
    main()
