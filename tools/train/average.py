"""Averages the weights of several checkpoints of one architecture (a "model
soup": runs fine-tuned from one starting point stay in one basin, and their
mean often decodes better than any of them), scores the mean on the dev
set and exports it like the trainer does.

Why a separate step: the trainer keeps one best checkpoint per run; the
average is a choice tuned on the dev set like any other, so it is made
here, in the open, and recorded in the model card.

usage (with tools/ on the module path, as tools/train/run.sh sets it):
  PYTHONPATH=tools python3 -m train.average --split SPLIT.train
      --out mean.npz A.pt B.pt [C.pt ...]
"""
import argparse
import os

import torch

from . import common as C
from . import train as T


def load(path):
    ck = torch.load(path)
    a = ck['args']
    m = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), a['emb'], a['hidden'], a['dec'], a['emb'],
                    a['dropout'], feed=a.get('input_feed', False))
    m.load_state_dict(ck['model'])
    return m


def main():
    ap = argparse.ArgumentParser(prog='average', description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('ckpts', nargs='+')
    ap.add_argument('--split', required=True,
                    help='the training split whose dev words score the mean (g014b2b.train)')
    ap.add_argument('--out', required=True, help='npz export of the mean')
    ap.add_argument('--targets', choices=('split', 'cmudict'), default='split',
                    help="the dev references, as the trainer's --targets: the split's "
                         "stressless pronunciations, or the project CMUdict's variants "
                         "(stressed WER, as the trainer scores such runs)")
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get('G2P_TORCH_THREADS', '1')))
    split = C.load_split(args.split)
    stressed = args.targets == 'cmudict'
    if stressed:
        cmu = C.load_cmudict()
        dev = {w: cmu[w] for w in split if C.is_dev(w) and w in cmu}
    else:
        dev = {w: p for w, p in split.items() if C.is_dev(w)}
    gidx = {g: i for i, g in enumerate(C.GRAPHEMES)}
    models = [load(p) for p in args.ckpts]
    for p, m in zip(args.ckpts, models):
        preds, _ = T.decode_words(m, list(dev), gidx, C.MAX_LEN)
        wer, per, n = C.score(preds, dev, stressless=not stressed)
        print('%s: dev WER %.2f PER %.2f (n=%d)' % (p, wer, per, n), flush=True)
    mean = models[0]
    sd = {k: sum(m.state_dict()[k].float() for m in models) / len(models)
          for k in mean.state_dict()}
    mean.load_state_dict(sd)
    preds, _ = T.decode_words(mean, list(dev), gidx, C.MAX_LEN)
    wer, per, n = C.score(preds, dev, stressless=not stressed)
    print('mean of %d: dev WER %.2f PER %.2f (n=%d)%s' % (len(models), wer, per, n,
                                                        ' stressed' if stressed else ''))
    T.export_npz(mean, args.out, C.MAX_LEN)
    print('exported', args.out)


if __name__ == '__main__':
    main()
