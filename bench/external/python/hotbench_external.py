"""hotbench's external protocol (hotbench-external/1) for Python programs.

A peer module defines its variants as functions prepare(static, params) -> run, where run(per_call)
returns the kernel's output (a numpy array, a number, or a dict of them), and ends with

    if __name__ == '__main__':
        hotbench_external.main(VARIANTS)

The harness starts `python3 peer.py VARIANT JOB_FILE`. This module reads the job (a JSON manifest,
arrays as raw little-endian files beside it), prepares the variant, and either makes the calls
validation asks for or measures one round under the harness's own discipline (bench/measure/
sampler.ts): warm-up that sizes the batch so that a sample lasts at least 100 readings of the clock
and about timeMs / maxSamples, then samples for timeMs and at least minSamples, the calls rotating
among the per-call inputs, then the same loop around an empty call. It writes the raw samples, the
last output and the inputs as it holds them after its calls; the harness judges all of it.
docs/peers.md is the specification.
"""

import gc
import json
import os
import sys
import time

T_START = time.perf_counter_ns()

import numpy as np  # noqa: E402  (the load time above includes it)

PROTOCOL = 'hotbench-external/1'
DTYPES = {'f64': '<f8', 'f32': '<f4', 'i32': '<i4', 'u32': '<u4', 'i16': '<i2', 'u16': '<u2', 'i8': 'i1', 'u8': 'u1'}
WIRE_OF = {np.dtype(v): k for k, v in DTYPES.items()}
# Batches grow by at most this factor per timed batch, and are sized 10% over the target.
MAX_GROWTH = 16
BATCH_MARGIN = 1.1
clock = time.perf_counter_ns


def read_value(wire, folder):
    if isinstance(wire, (int, float)):
        return wire
    if wire['kind'] == 'array':
        array = np.fromfile(os.path.join(folder, wire['file']), dtype=DTYPES[wire['dtype']])
        return array.reshape(wire['shape'])
    return {name: read_value(v, folder) for name, v in wire['fields'].items()}


def write_value(value, name, folder):
    if isinstance(value, dict):
        return {'kind': 'object', 'fields': {k: write_value(v, f'{name}.{k}', folder) for k, v in value.items()}}
    if isinstance(value, (int, float, np.integer, np.floating)) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return float(value)
    array = np.ascontiguousarray(value)
    dtype = array.dtype.newbyteorder('<') if array.dtype.byteorder == '>' else array.dtype
    if dtype == np.dtype('<i8') or dtype == np.dtype('<u8'):
        # The wire has no 64-bit integers: indices and labels travel as i32.
        array = array.astype('<i4')
        dtype = array.dtype
    wire = WIRE_OF.get(dtype)
    if wire is None:
        raise TypeError(f'{name}: dtype {array.dtype} has no wire dtype')
    file = f'{name}.{wire}'
    array.astype(DTYPES[wire], copy=False).tofile(os.path.join(folder, file))
    return {'kind': 'array', 'dtype': wire, 'shape': [int(array.size)], 'file': file}


def measure_timer(readings=20000):
    resolution = float('inf')
    previous = clock()
    start = previous
    for _ in range(readings):
        current = clock()
        step = current - previous
        if 0 < step < resolution:
            resolution = step
        previous = current
    return {'resolutionNs': 0 if resolution == float('inf') else resolution, 'overheadNs': (previous - start) / readings}


class Rotation:
    """Timed loops of `batch` calls, rotating among the per-call inputs from input 0."""

    def __init__(self, run, inputs):
        self.run = run
        self.inputs = inputs
        self.calls = 0
        self.last = None

    def time(self, batch):
        run, inputs, m = self.run, self.inputs, len(self.inputs)
        k = self.calls % m
        start = clock()
        for _ in range(batch):
            self.last = run(inputs[k])
            k = k + 1 if k + 1 < m else 0
        elapsed = clock() - start
        self.calls += batch
        return elapsed


def warm_up_and_size_batch(rotation, target_ns, warmup_ms):
    """bench/measure/sampler.ts, warmUpAndSizeBatch: the first calls (a JIT's compile) are never sampled."""
    deadline = clock() + warmup_ms * 1e6
    batch = 1
    per_call = []
    while True:
        elapsed = rotation.time(batch)
        if elapsed >= target_ns:
            per_call.append(elapsed / batch)
        else:
            batch = min(batch * MAX_GROWTH, max(batch * 2, int(np.ceil(batch * target_ns * BATCH_MARGIN / max(elapsed, 1)))))
        if clock() >= deadline and per_call:
            break
    steady = sorted(per_call[len(per_call) >> 1:])
    call_ns = steady[len(steady) >> 1]
    return max(1, int(np.ceil(target_ns * BATCH_MARGIN / max(call_ns, 1e-3))))


def empty_call(inputs, batch, budget_ms):
    rotation = Rotation(lambda x: x, inputs)
    end = clock() + budget_ms * 1e6
    while True:
        rotation.time(batch)
        if clock() >= end:
            break
    samples = []
    deadline = clock() + budget_ms * 1e6
    while len(samples) < 5 or (clock() < deadline and len(samples) < 1000):
        samples.append(rotation.time(batch) / batch)
    samples.sort()
    median = samples[len(samples) >> 1]
    deviations = sorted(abs(s - median) for s in samples)
    return {'medianNs': median, 'madNs': deviations[len(deviations) >> 1]}


def inputs_after(static, per_call, name, folder):
    return {'static': write_value(static, f'{name}.after.static', folder),
            'perCall': [write_value(p, f'{name}.after.perCall{j}', folder) for j, p in enumerate(per_call)]}


def validate(prepare, job, folder, load_ns):
    cases = []
    cold = None
    for c, case in enumerate(job['cases']):
        static = read_value(case['static'], folder)
        per_call = [read_value(p, folder) for p in case['perCall']]
        t0 = clock()
        run = prepare(static, case['params'])
        t1 = clock()
        outputs = []
        for i, which in enumerate(case['calls']):
            t2 = clock()
            out = run(per_call[which])
            if cold is None:
                cold = {'loadNs': load_ns, 'prepareNs': t1 - t0, 'firstCallNs': clock() - t2}
            # Written at once: a run may hand back a buffer the next call overwrites.
            outputs.append(write_value(out, f'c{c}.out{i}', folder))
        cases.append({'outputs': outputs, 'inputsAfter': inputs_after(static, per_call, f'c{c}', folder)})
    return {'cases': cases, 'coldStart': cold}


def measure(prepare, job, folder):
    settings = job['settings']
    case = job['cases'][0]
    static = read_value(case['static'], folder)
    per_call = [read_value(p, folder) for p in case['perCall']]
    timer = measure_timer()
    t0 = clock()
    run = prepare(static, case['params'])
    setup_ns = clock() - t0
    # prepare's garbage now, not inside a sample.
    gc.collect()
    rotation = Rotation(run, per_call)
    target_ns = max(settings['minSampleNs'], 100 * timer['overheadNs'], settings['timeMs'] * 1e6 / settings['maxSamples'])
    batch = warm_up_and_size_batch(rotation, target_ns, settings['warmupMs'])
    samples = []
    deadline = clock() + settings['timeMs'] * 1e6
    while len(samples) < settings['minSamples'] or clock() < deadline:
        samples.append(rotation.time(batch))
    output = write_value(rotation.last, 'last', folder)
    empty = empty_call(per_call, batch, min(20, settings['timeMs'] / 10))
    samples_file = 'samples.f64'
    np.asarray(samples, dtype='<f8').tofile(os.path.join(folder, samples_file))
    return {'measurement': {
        'setupNs': setup_ns, 'timer': timer, 'batch': batch,
        'samples': {'kind': 'array', 'dtype': 'f64', 'shape': [len(samples)], 'file': samples_file},
        'calls': rotation.calls, 'output': output,
        'inputsAfter': inputs_after(static, per_call, 'c0', folder), 'emptyCall': empty}}


def runtime(modules):
    found = {'python': sys.version.split()[0], 'executable': sys.executable}
    for name in modules:
        module = sys.modules.get(name)
        if module is not None:
            found[name] = getattr(module, '__version__', '?')
    for name in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMBA_NUM_THREADS'):
        if name in os.environ:
            found[name] = os.environ[name]
    return found


def main(variants, modules=('numpy',)):
    """python3 peer.py VARIANT JOB_FILE: one job, one reply, exit 0 (1 when the variant raised)."""
    load_ns = clock() - T_START
    name, job_file = sys.argv[1], sys.argv[2]
    folder = os.path.dirname(os.path.abspath(job_file))
    with open(job_file) as f:
        job = json.load(f)
    if job.get('protocol') != PROTOCOL:
        sys.exit(f'{job_file}: protocol {job.get("protocol")!r}, this program speaks {PROTOCOL}')
    reply = {'protocol': PROTOCOL}
    status = 0
    try:
        prepare = variants[name]
        reply.update(validate(prepare, job, folder, load_ns) if job['kind'] == 'validate' else measure(prepare, job, folder))
    except Exception as error:  # the variant threw: the harness records it as `threw`
        reply['error'] = {'phase': job['kind'], 'message': f'{type(error).__name__}: {error}'}
        status = 1
    reply['runtime'] = runtime(modules)
    temporary = os.path.join(folder, job['reply'] + '.tmp')
    with open(temporary, 'w') as f:
        json.dump(reply, f)
    os.replace(temporary, os.path.join(folder, job['reply']))
    sys.exit(status)
