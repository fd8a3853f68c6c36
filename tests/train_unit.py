"""Unit tests of tools/train (run by tests/train-unit.sh, tools/ on the path).

Without torch (and numpy) only the data tests run; the tokeniser, --help
and numpy-against-torch tests are skipped, which unittest reports.
"""
import os
import subprocess
import sys
import tempfile
import unittest

from train import common as C

try:
    import numpy as np
    import torch
    from train import g2pm as G
    from train import predict_np as NP
    from train import train as T
    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False


class Data(unittest.TestCase):
    def test_symbol_tables(self):
        self.assertEqual(C.PHONEMES[:4], ['<pad>', '<unk>', '<s>', '</s>'])
        self.assertEqual(len(C.ARPABET), 70)
        self.assertEqual(C.ARPABET.index('UW') + 1, C.ARPABET.index('UW0'))
        self.assertEqual(C.PHONEMES[C.BOS], '<s>')
        self.assertEqual(C.PHONEMES[C.EOS], '</s>')
        self.assertEqual(C.GRAPHEMES[C.EOS_G], '</s>')

    def test_transfer_stress(self):
        # the split's AH where the dictionary has IH0: stress comes from the
        # aligned vowels, unaligned ones get 0
        self.assertEqual(C.transfer_stress('AH B AW T', 'IH0 B AW1 T'), 'AH0 B AW1 T')
        self.assertEqual(C.transfer_stress('K AE T', 'K AE1 T S'), 'K AE1 T')
        self.assertEqual(C.transfer_stress('OW', 'B'), 'OW0')

    def test_stressed_targets(self):
        split = {'cat': ['K AE T'], 'about': ['AH B AW T'], 'zzz': ['Z']}
        cmu = {'cat': ['K AE1 T'], 'about': ['AH0 B AW1 T', 'IH0 B AW1 T']}
        out, counts = C.stressed_targets(split, cmu)
        self.assertEqual(out, {'cat': ['K AE1 T'], 'about': ['AH0 B AW1 T']})
        self.assertEqual(counts['absent'], 1)
        self.assertEqual(counts['prons_exact'], 2)
        self.assertEqual(counts['prons_transferred'], 0)
        out, counts = C.stressed_targets({'about': ['UH B AW T']}, cmu)
        self.assertEqual(out['about'], ['UH0 B AW1 T'])
        self.assertEqual(counts['prons_transferred'], 1)

    def test_every_module_distributed(self):
        """make dist ships the whole trainer: each tools/train/*.py is in
        tests/Makemodule.am's EXTRA_DIST (a missing one makes the tarball's
        train-unit skip its torch tests on an ImportError)."""
        here = os.path.dirname(os.path.abspath(__file__))
        tools = os.path.join(here, '..', 'tools', 'train')
        with open(os.path.join(here, 'Makemodule.am')) as f:
            am = f.read()
        for name in sorted(os.listdir(tools)):
            if name.endswith('.py'):
                self.assertIn('tools/train/' + name, am)

    def test_newer_words(self):
        from train import newer_words as NW
        cmu = {'zorp': ['Z AO1 R P'], 'cat': ['K AE1 T'], "o'neil": ['OW0 N IY1 L'],
               'x': ['EH1 K S'], 'a-b': ['EY1 B IY1'], "ab's": ['EY1 B IY1 Z']}
        self.assertEqual(NW.newer_words(cmu, {'cat'}),
                         {'zorp': ['Z AO1 R P'], "o'neil": ['OW0 N IY1 L'],
                          "ab's": ['EY1 B IY1 Z']})

    def test_spelled_words(self):
        """Synthetic vowelless words: distinct, seeded, none of the excluded
        words, read with the front end's own letter names."""
        import re
        from train import spelled as S
        exclude = {'bbc', 'nfl', 'kpmg'} | {a + b for a in S.CONSONANTS for b in 'bcd'}
        ws = S.spelled_words(500, 1, exclude)
        self.assertEqual(ws, S.spelled_words(500, 1, exclude))
        self.assertNotEqual(ws, S.spelled_words(500, 2, exclude))
        self.assertEqual(len(ws), len(set(ws)))
        self.assertEqual(len(ws), 500)
        for w in ws:
            self.assertRegex(w, r'^[bcdfghjklmnpqrstvwxz]{2,5}$')
            self.assertNotIn(w, exclude)
        self.assertEqual({len(w) for w in ws}, {2, 3, 4, 5})
        self.assertEqual(S.spell('nfl'), 'EH1 N EH1 F EH1 L')
        # the same names as the C front end's table (text/tables.c)
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, '..', 'text', 'tables.c')) as f:
            src = f.read()
        table = src[src.index('letter_phones[26] = {'):]
        table = table[:table.index('};')]
        names = re.findall(r'"([^"]+)"', table)
        self.assertEqual(names, [S.LETTER_PHONES[c] for c in 'abcdefghijklmnopqrstuvwxyz'])
        with self.assertRaises(ValueError):
            S.spelled_words(10 ** 7, 1, set())

    def test_load_split(self):
        with tempfile.NamedTemporaryFile('w', suffix='.train', delete=False) as f:
            f.write('Cat\tK AE T\ncat\tK  AE T\ncat\tK AH T\n\ndog\tD AO G\n')
        try:
            self.assertEqual(C.load_split(f.name),
                             {'cat': ['K AE T', 'K AH T'], 'dog': ['D AO G']})
        finally:
            os.unlink(f.name)

    def test_score(self):
        refs = {'a': ['AH0', 'EY1'], 'b': ['B IY1']}
        wer, per, n = C.score({'a': 'EY2', 'b': 'B IY1 IY1'}, refs, stressless=True)
        self.assertEqual(n, 2)
        self.assertAlmostEqual(wer, 50.0)
        self.assertAlmostEqual(per, 100.0 / 3)


@unittest.skipUnless(HAVE_TORCH, 'torch (python3-torch) not installed')
class WithTorch(unittest.TestCase):
    def gidx(self):
        return {g: i for i, g in enumerate(C.GRAPHEMES)}

    def test_tokenise(self):
        g = self.gidx()
        ids = T.encode_word("o'k", g)
        self.assertEqual(ids, [g['o'], g["'"], g['k'], C.EOS_G])
        self.assertEqual(T.encode_word('\u00e9a', g), [C.UNK, g['a'], C.EOS_G])

    def test_targets_in_batches(self):
        g = self.gidx()
        p = {s: i for i, s in enumerate(C.PHONEMES)}
        ex = [(T.encode_word('ab', g), [p['EY1'], p['B']]),
              (T.encode_word('c', g), [p['S']])]
        x, xlen, yin, yout = T.collate(ex, [0, 1])
        self.assertEqual(xlen.tolist(), [3, 2])
        self.assertEqual(yin.tolist(), [[C.BOS, p['EY1'], p['B']], [C.BOS, p['S'], 0]])
        self.assertEqual(yout.tolist(), [[p['EY1'], p['B'], C.EOS], [p['S'], C.EOS, 0]])

    def test_numpy_reference_matches_torch(self):
        words = ['a', 'cat', "don't", 'zebra', 'xylophone', 'aaaaaaaa', '\u00e9t\u00e9']
        for feed in (False, True):
            torch.manual_seed(7)
            m = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), 8, 6, 5, 8, 0.0, feed=feed)
            with torch.no_grad():  # larger weights than the default init: varied answers
                for prm in m.parameters():
                    prm.mul_(3.0)
            m.eval()
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, 'tiny.npz')
                T.export_npz(m, path, 12)
                ref = NP.Model(path)
                tp, tl = T.decode_words(m, words, self.gidx(), 12)
                for w in words:
                    p, l0 = ref.predict(w)
                    self.assertEqual(' '.join(p), tp[w], (feed, w))
                    self.assertLess(float(np.max(np.abs(l0 - tl[w]))), 1e-4, (feed, w))

    def test_prune_finds_the_units_a_widening_added(self):
        """Widening adds units that send nothing on (zero outgoing weights);
        pruning back to the old sizes must find exactly the old units, so
        the narrowed network answers as the original did. A pruning that
        keeps every unit is the same network."""
        from train import prune as PR
        words = ['a', 'cat', "don't", 'zebra', 'xylophone', 'abc', 'quiet', 'rhythm']
        torch.manual_seed(11)
        small = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), 8, 6, 5, 8, 0.0)
        with torch.no_grad():
            for prm in small.parameters():
                prm.mul_(3.0)
        small.eval()
        wide = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), 8, 9, 8, 8, 0.0)
        wide.load_state_dict(T.widen_state(small.state_dict(), wide.state_dict(), 8))
        wide.eval()
        for keep_h, keep_d, ref in ((6, 5, small), (9, 8, wide)):
            sd, report = PR.prune(wide, words, keep_h, keep_d)
            self.assertEqual(len(report), 4)
            back = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), 8, keep_h, keep_d, 8, 0.0)
            back.load_state_dict(sd)
            back.eval()
            p_ref, l_ref = T.decode_words(ref, words, self.gidx(), 12)
            p_back, l_back = T.decode_words(back, words, self.gidx(), 12)
            for w in words:
                self.assertEqual(p_back[w], p_ref[w], (keep_h, w))
                self.assertLess(float(np.max(np.abs(l_back[w] - l_ref[w]))), 1e-5, (keep_h, w))
        with self.assertRaises(ValueError):
            PR.prune(wide, words, 10, 8)
        feed = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), 8, 6, 5, 8, 0.0, feed=True)
        feed.eval()
        with self.assertRaises(ValueError):
            PR.prune(feed, words, 6, 5)

    def test_qat_rounds_as_the_converter(self):
        """qat.fake_int4 is g2p-convert --quantize int4's rule (q * scale, bit
        for bit), the rounded block restores the float masters and keeps the
        gradient computed at the rounded weights (straight-through)."""
        import struct
        from train import qat as Q
        torch.manual_seed(5)
        m = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), 8, 6, 5, 8, 0.0)
        with torch.no_grad():
            m.dec.weight_hh_l0[2].zero_()  # an all-zero row: scale 1, zeros
        m.eval()
        params = dict(m.named_parameters())
        before = {n: params[n].detach().clone() for n in Q.INT4_RECURRENT}
        for n in Q.INT4_RECURRENT:
            r = Q.fake_int4(before[n])
            self.assertTrue(torch.equal(Q.fake_int4(r), r))  # idempotent
            s = before[n].abs().amax(dim=1, keepdim=True) / 7.0
            q = torch.round(r / torch.where(s > 0, s, torch.ones_like(s)))
            self.assertLessEqual(float(q.abs().max()), 7.0)
        x = torch.tensor([[C.GRAPHEMES.index('a'), C.EOS_G]])
        xlen = torch.tensor([2])
        yin = torch.tensor([[C.BOS, 5]])
        with Q.rounded(m):
            for n in Q.INT4_RECURRENT:
                self.assertTrue(torch.equal(params[n], Q.fake_int4(before[n])))
            m(x, xlen, yin).sum().backward()
        for n in Q.INT4_RECURRENT:
            self.assertTrue(torch.equal(params[n], before[n]))
            self.assertIsNotNone(params[n].grad)
        conv = os.environ.get('G2P_CONVERT', '')
        if not os.access(conv, os.X_OK):
            return
        with tempfile.TemporaryDirectory() as d:
            npz, f32, i4 = (os.path.join(d, n) for n in ('m.npz', 'm.g2pm', 'm4.g2pm'))
            T.export_npz(m, npz, 12)
            for args in (['-o', f32, npz], ['--quantize', 'int4', '-o', i4, f32]):
                r = subprocess.run([conv] + args, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, universal_newlines=True)
                self.assertEqual(r.returncode, 0, r.stdout)
            with open(i4, 'rb') as fh:
                buf = fh.read()
            n_t, = struct.unpack_from('<I', buf, 28)
            dir_off, = struct.unpack_from('<Q', buf, 64)
            ents = {}
            for i in range(n_t):
                at = dir_off + 64 * i
                name = buf[at:at + 32].split(b'\0', 1)[0].decode()
                ents[name] = struct.unpack_from('<IIIIQQ', buf, at + 32)
            names = {'enc.weight_hh_l0': 'encf_w_hh', 'enc.weight_hh_l0_reverse': 'encb_w_hh',
                     'dec.weight_hh_l0': 'dec_w_hh'}
            for pn, fn in names.items():
                dtype, _, rows, cols, off, nb = ents[fn]
                self.assertEqual(dtype, 3)
                q = np.frombuffer(buf, dtype=np.int8, count=rows * cols, offset=off)
                sd = ents[fn + '_scale']
                sc = np.frombuffer(buf, dtype='<f4', count=rows, offset=sd[4])
                w = q.reshape(rows, cols).astype(np.float32) * sc[:, None]
                self.assertTrue(np.array_equal(w, Q.fake_int4(before[pn]).numpy()), fn)

    def test_reversed_export(self):
        """A --reverse network's export says so, and so does its .g2pm."""
        torch.manual_seed(3)
        m = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), 8, 6, 5, 8, 0.0)
        m.eval()
        with tempfile.TemporaryDirectory() as d:
            for rev in (False, True):
                path = os.path.join(d, 'r%d.npz' % rev)
                T.export_npz(m, path, 12, rev)
                self.assertEqual(G.checkpoint_from_model_file(path)['args']['reverse'], rev)
                conv = os.environ.get('G2P_CONVERT', '')
                if not os.access(conv, os.X_OK):
                    continue
                out = os.path.join(d, 'r%d.g2pm' % rev)
                r = subprocess.run([conv, '-o', out, path], stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, universal_newlines=True)
                self.assertEqual(r.returncode, 0, r.stdout)
                self.assertEqual('right to left' in r.stdout, rev, r.stdout)
                self.assertEqual(G.checkpoint_from_model_file(out)['args']['reverse'], rev)

    def test_spelled_examples_stay_hard(self):
        """--spelled's examples are letter-by-letter readings of words outside
        the dictionary and the split (turned around for --reverse), and their
        soft targets are their own labels: the distillation loss on them is
        the plain cross-entropy."""
        import argparse
        from train import distill as KD
        from train import spelled as S
        g = self.gidx()
        pidx = {p: i for i, p in enumerate(C.PHONEMES)}
        cmu = {'bbc': ['B IY1 B IY1 S IY1']}
        split = {'nfl': ['EH N EH F EH L']}
        args = argparse.Namespace(spelled=300, seed=4, exclude=[], reverse=False)
        ex = T.spelled_examples(args, cmu, split, g, pidx)
        words = S.spelled_words(300, 4, set(cmu) | set(split))
        self.assertEqual(len(ex), 300)
        for (x, y), w in zip(ex, words):
            self.assertEqual(x, T.encode_word(w, g))
            self.assertEqual(' '.join(C.PHONEMES[i] for i in y), S.spell(w))
        args.reverse = True
        rev = T.spelled_examples(args, cmu, split, g, pidx)
        self.assertEqual([y[::-1] for _, y in rev], [y for _, y in ex])
        soft = T.one_hot_targets(ex, len(C.PHONEMES))
        idxs = list(range(8))
        x, xlen, yin, yout = T.collate(ex, idxs)
        torch.manual_seed(5)
        logits = torch.randn(len(idxs), yout.size(1), len(C.PHONEMES))
        tp = KD.pad_soft(soft, idxs, yout.size(1), len(C.PHONEMES))
        ce = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)),
                                               yout.reshape(-1), ignore_index=C.PAD)
        self.assertAlmostEqual(KD.soft_loss(logits, tp, yout).item(), ce.item(), places=5)

    def test_unlabeled_words_and_labels(self):
        """Unlabeled words never include a dictionary, split or --exclude
        word; a label file only labels words of that set, and drops empty,
        unknown or too long prons (those words go back to the teachers)."""
        import argparse
        pidx = {p: i for i, p in enumerate(C.PHONEMES)}
        with tempfile.TemporaryDirectory() as d:
            lst = os.path.join(d, 'words')
            with open(lst, 'w') as f:
                f.write('Zorp\ncat\nfoo\nblick\nx\nqwerty\'s\nbl1ck\nvrem\n')
            test = os.path.join(d, 'test')
            with open(test, 'w') as f:
                f.write('vrem\tV R EH M\n')
            args = argparse.Namespace(unlabeled=[lst], unlabeled_count=0, seed=1, exclude=[test])
            log = open(os.path.join(d, 'log'), 'w')
            words = T.unlabeled_words(args, {'cat': ['K AE1 T']}, {'foo': ['F UW']}, log)
            self.assertEqual(words, ['blick', 'zorp'])
            args.unlabeled_count = 1
            self.assertEqual(len(T.unlabeled_words(args, {}, {}, log)), 1)
            labels = os.path.join(d, 'labels')
            with open(labels, 'w') as f:
                f.write('blick\tB L IH1 K\nzorp\t\ncat\tK AE1 T\nzorp\tZ QQ1\n'
                        'blick\tB L IH0 K\n')
                f.write('zorp\t' + ' '.join(['Z'] * C.MAX_LEN) + '\n')
            got = T.read_labels(labels, set(words), pidx, log)
            log.close()
            self.assertEqual(got, {'blick': [pidx[s] for s in 'B L IH1 K'.split()]})

    def test_minimum_risk(self):
        """mrt: stress-blind ids, the cost's three levels, the greedy reading
        first among the drawn ones with its log-probability, the unsure
        words, and a step down the risk's gradient moving probability from
        a wrong reading to the right one."""
        from train import mrt as M
        plain = M.stressless_ids()
        p = {s: i for i, s in enumerate(C.PHONEMES)}
        self.assertEqual(plain[p['AH0']], plain[p['AH1']])
        self.assertEqual(plain[p['AH2']], plain[p['AH1']])
        self.assertNotEqual(plain[p['AH0']], plain[p['AE0']])
        self.assertEqual(plain[p['B']], p['B'])
        right = (p['K'], p['AE1'], p['T'])
        refs = [right, (p['K'], p['AA1'], p['T'])]
        self.assertEqual(M.cost(right, refs, plain), 0.0)
        self.assertEqual(M.cost((p['K'], p['AE0'], p['T']), refs, plain), 0.5)
        self.assertAlmostEqual(M.cost((p['K'], p['EH1'], p['T']), refs, plain), 1.0 + 0.25 / 3)
        self.assertAlmostEqual(M.cost((p['G'], p['EH1'], p['D']), refs, plain), 1.25)

        torch.manual_seed(7)
        m = T.BiGruAttn(len(C.GRAPHEMES), len(C.PHONEMES), 8, 6, 5, 8, 0.0)
        with torch.no_grad():  # varied answers that end (a likelier </s>)
            for prm in m.parameters():
                prm.mul_(3.0)
            m.fc.bias[C.EOS] += 2.0
        g = self.gidx()
        words = ['cat', 'dog', 'key']
        ex = [(T.encode_word(w, g), [p['B']]) for w in words]
        x, xlen, _, _ = T.collate(ex, [0, 1, 2])
        greedy, _ = T.decode_words(m, words, g, 12)
        cands, lp = M.draw(m, x, xlen, 6, 12)
        for b, w in enumerate(words):
            self.assertTrue(greedy[w], w)
            first = cands[b][0]
            self.assertEqual(' '.join(C.PHONEMES[i] for i in first), greedy[w], w)
            self.assertEqual(len(set(cands[b])), len(cands[b]))
            yin = torch.tensor([(C.BOS,) + first])
            yout = torch.tensor([first + (C.EOS,)])
            lps = torch.log_softmax(m(x[b:b + 1], xlen[b:b + 1], yin), dim=-1)
            want = float(lps.gather(2, yout[:, :, None]).sum())
            self.assertAlmostEqual(float(lp[b]), want, places=4)

        # unsure: the word whose reference is its greedy reading is sure at
        # a threshold below every log-probability, and unsure at 0
        refs_of = {tuple(ex[0][0]): [cands[0][0]], tuple(ex[1][0]): [(p['B'],)],
                   tuple(ex[2][0]): [cands[2][0]]}
        self.assertEqual(M.unsure(m, ex, refs_of, -1e9, T.collate), [1])
        self.assertEqual(M.unsure(m, ex, refs_of, 0.0, T.collate), [0, 1, 2])

        # two readings of 'cat', one right: the risk falls along its gradient
        # and the right reading's share rises
        wrong = (p['D'], p['AO1'], p['G'])
        pair = [[right, wrong]]
        opt = torch.optim.SGD(m.parameters(), lr=0.05)

        def share():
            with torch.no_grad():
                y = torch.tensor([(C.BOS,) + right, (C.BOS,) + wrong])
                yo = torch.tensor([right + (C.EOS,), wrong + (C.EOS,)])
                lps = torch.log_softmax(m(x[:1].repeat(2, 1), xlen[:1].repeat(2), y), dim=-1)
                s = lps.gather(2, yo[:, :, None]).sum(dim=(1, 2))
                return float(torch.softmax(s, dim=0)[0])
        before = share()
        r0 = M.risk(m, x[:1], xlen[:1], pair, [[right]], plain)
        self.assertAlmostEqual(float(r0), (1 - before) * M.cost(wrong, [right], plain), places=4)
        opt.zero_grad()
        r0.backward()
        opt.step()
        self.assertGreater(share(), before)
        self.assertLess(float(M.risk(m, x[:1], xlen[:1], pair, [[right]], plain)), float(r0))

    def test_help_prints_docstring(self):
        env = dict(os.environ)
        for mod, first in (('train.train', 'Trainer for rnninferd'),
                           ('train.predict_np', 'Pure-numpy reference'),
                           ('train.average', 'Averages the weights'),
                           ('train.rescore', 'N-best rescoring'),
                           ('train.prune', 'Narrows a trained network')):
            r = subprocess.run([sys.executable, '-m', mod, '--help'], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               universal_newlines=True, check=False)
            self.assertEqual(r.returncode, 0, r.stdout)
            self.assertIn(first, r.stdout)


if __name__ == '__main__':
    unittest.main(verbosity=2)
