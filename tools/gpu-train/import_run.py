"""Turns what hific_gpu.py wrote (fp16 raw/average halves, CSV logs) into a checkpoint of a C# run
folder, so `hific train` resumes from it and `scripts/ship-model.sh` exports it.

usage: import_run.py RUN_DIR BASE_STEP GPU_OUT [GPU_OUT ...]
  RUN_DIR    the C# run folder (runs/lite); its checkpoint at BASE_STEP gave the GPU run its weights
  GPU_OUT    each GPU run's output folder, in order; the last one's weights are imported
The run's CSV logs lose their lines after BASE_STEP (CPU steps the GPU branch replaces) and gain the
GPU runs' lines; checkpoints after BASE_STEP are removed for the same reason.
"""
import ast, datetime, json, os, re, shutil, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdio


def state_lines(folder):
    with open(os.path.join(folder, 'gpu-train.log')) as f:
        return [json.loads(l.split('STATE ', 1)[1]) for l in f if 'STATE ' in l]


def args_of(folder):
    """The run's arguments, from the log's first line ("... args {...}"): runs from before STATE lines named beta."""
    with open(os.path.join(folder, 'gpu-train.log')) as f:
        for l in f:
            if ' args {' in l:
                return ast.literal_eval(l.split(' args ', 1)[1].strip())
    return {}


def truncate_csv(path, after):
    if not os.path.exists(path):
        return
    with open(path) as f:
        lines = f.readlines()
    keep = [l for i, l in enumerate(lines) if i == 0 or int(l.split(',', 1)[0]) <= after]
    with open(path, 'w') as f:
        f.writelines(keep)


def main():
    run, base_step, outs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    root = os.path.join(run, 'checkpoints')
    base = os.path.join(root, f'step-{base_step:08d}')
    state = json.load(open(os.path.join(base, 'state.json')))
    states = [state_lines(o)[-1] for o in outs]
    final = states[-1]
    gpu_seconds = sum(s['gpu_seconds'] for s in states)
    step = final['step']
    dest = os.path.join(root, f'step-{step:08d}')
    tmp = dest + '.tmp'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    last = outs[-1]
    for kind, name in (('raw', 'model.bin'), ('average', 'model-average.bin')):
        # Runs with --no-raw (variants.sh) bring back the averaged weights only: training resumes from them.
        if kind == 'raw' and not os.path.exists(os.path.join(last, 'raw-0.bin')):
            kind = 'average'
        arrays = {}
        for part in (0, 1):
            arrays.update(sdio.load(os.path.join(last, f'{kind}-{part}.bin')))
        sdio.save(os.path.join(tmp, name), {k: v.astype(np.float32) for k, v in arrays.items()})
    disc = os.path.join(last, 'discriminator.bin')  # written by GAN-phase runs (float32)
    shutil.copy(disc if os.path.exists(disc) else os.path.join(base, 'discriminator.bin'), os.path.join(tmp, 'discriminator.bin'))
    # No optimizer files: the C# trainer starts fresh moments with a learning-rate warm-up.
    state['Step'] = step
    state['Phase'] = final.get('phase', 'rd')
    state['SavedUtc'] = datetime.datetime.now(datetime.timezone.utc).isoformat()
    state['TrainingSeconds'] = state['TrainingSeconds'] + gpu_seconds
    state['Settings'] = (state.get('Settings') or '') + (
        f'; steps {base_step}-{step} on a GPU ({final["device"]}, {gpu_seconds / 60:.0f} min, tools/gpu-train) '
        f'at batch {final["batch"]}x256px, lr {final["lr"]}'
        + (f', beta {final.get("beta", args_of(last).get("beta"))}' if state['Phase'] == 'gan' else '') + ' after a warm-up')
    with open(os.path.join(tmp, 'state.json'), 'w') as f:
        json.dump(state, f)
    for d in os.listdir(root):
        m = re.fullmatch(r'step-(\d{8})', d)
        if m and int(m.group(1)) > base_step:
            shutil.rmtree(os.path.join(root, d))
    os.replace(tmp, dest)
    with open(os.path.join(root, 'latest'), 'w') as f:
        f.write(os.path.basename(dest))
    for log, gpu_log in (('train.csv', 'gpu-train.csv'), ('monitor.csv', 'gpu-monitor.csv')):
        path = os.path.join(run, log)
        truncate_csv(path, base_step)
        with open(path, 'a') as f:
            for o in outs:
                with open(os.path.join(o, gpu_log)) as g:
                    f.write(g.read())
    print(f'{dest}: step {step}, {gpu_seconds:.0f} GPU seconds')


if __name__ == '__main__':
    main()
