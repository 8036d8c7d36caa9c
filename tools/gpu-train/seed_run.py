"""Seeds a C# run folder from a shipped model, for a machine where the run folder is gone (runs/ is
not in git: a fresh checkout has only models/). Writes RUN_DIR/checkpoints/step-<steps> with the
model's weights as both raw and averaged weights (float32), its discriminator (models/<id>/training/)
and a state.json, and copies the model's training logs, the same as `hific train --init MODEL_DIR`
does in C#. prepare.sh then builds .gpu/ from it and import_run.py imports the GPU run onto it.

usage: seed_run.py MODEL_DIR RUN_DIR
"""
import datetime, json, os, shutil, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sdio


def main():
    model, run = sys.argv[1:]
    card = json.load(open(os.path.join(model, 'model.json')))
    training = card.get('training') or {}
    step = int(training.get('steps', 0))
    root = os.path.join(run, 'checkpoints')
    dest = os.path.join(root, f'step-{step:08d}')
    if os.path.exists(dest):
        sys.exit(f'{dest} exists already')
    tmp = dest + '.tmp'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    weights = {k: v.astype(np.float32) for k, v in sdio.load(os.path.join(model, 'weights.bin')).items()}
    sdio.save(os.path.join(tmp, 'model.bin'), weights)
    sdio.save(os.path.join(tmp, 'model-average.bin'), weights)
    disc = os.path.join(model, 'training', 'discriminator.bin')
    if os.path.exists(disc):
        shutil.copy(disc, os.path.join(tmp, 'discriminator.bin'))
    state = {
        'Step': step, 'Preset': card['preset'],
        'SavedUtc': datetime.datetime.now(datetime.timezone.utc).isoformat(),
        'TrainingSeconds': float(training.get('hours', 0)) * 3600,
        'Phase': training.get('phase'), 'DataDir': training.get('data'),
        # The card's recipe is "<what the method is>. At export: <settings>"; checkpoints keep the settings.
        'Settings': f"{training.get('recipe', '').split('At export: ', 1)[-1]} (continued from {model} {card.get('digest', '')[:12]})",
        'WarmupEnd': None,
    }
    with open(os.path.join(tmp, 'state.json'), 'w') as f:
        json.dump(state, f)
    os.replace(tmp, dest)
    with open(os.path.join(root, 'latest'), 'w') as f:
        f.write(os.path.basename(dest))
    for name in ('train.csv', 'monitor.csv', 'curves.png'):
        src = os.path.join(model, 'training', name)
        if os.path.exists(src) and not os.path.exists(os.path.join(run, name)):
            shutil.copy(src, os.path.join(run, name))
    print(f'{dest}: step {step} from {model}')


if __name__ == '__main__':
    main()
