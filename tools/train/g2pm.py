"""Reads a float32 .g2pm model file (doc/model-format.md) back into the
arrays tools/train exports, so a shipped model can seed a training run.

Why: the shipped models are the only weights committed to the tree (the
trainer's checkpoints are not), so fine-tuning one (for new targets, or as
a distillation teacher) must start from the .g2pm itself. Only what the
trainer needs is read: float32 tensors of arch 2 and 3, by name, with the
header's dimensions. Int8 files are refused (their float weights are gone).
The header and data checksums are not verified here: g2p-convert --check
does that, and the loader below checks every offset and size it uses.
"""
import struct

import numpy as np

MAGIC = b'RNNG2PM\x1a'
ARCHS = {1: 'g2p_en-gru', 2: 'bigru-attn', 3: 'bigru-attn-if'}


def read_g2pm(path):
    """path -> (arrays: name -> float32 ndarray, dims: dict of header fields).
    Raises ValueError with the reason on a file it cannot use."""
    with open(path, 'rb') as f:
        buf = f.read()
    if len(buf) < 128 or buf[:8] != MAGIC:
        raise ValueError('%s: not a .g2pm model file' % path)
    (version, header_bytes, file_bytes, arch, n_tensors, G, P, E, H, Ed, D, max_len,
     flags, dir_off) = struct.unpack_from('<IIQIIIIIIIIIIQ', buf, 8)
    if file_bytes != len(buf) or header_bytes != 128:
        raise ValueError('%s: header says %d bytes, file has %d' % (path, file_bytes, len(buf)))
    if arch not in (2, 3):
        raise ValueError('%s: arch %d (%s) cannot seed the trainer (bigru-attn only)' % (
            path, arch, ARCHS.get(arch, '?')))
    if flags & 1:
        raise ValueError('%s: int8 weights; start from the float32 file' % path)
    arrays = {}
    for i in range(n_tensors):
        at = dir_off + 64 * i
        if at + 64 > len(buf):
            raise ValueError('%s: tensor directory past the end' % path)
        name = buf[at:at + 32].split(b'\0', 1)[0].decode('ascii')
        dtype, ndim, rows, cols, off, nbytes = struct.unpack_from('<IIIIQQ', buf, at + 32)
        n = rows * (cols if ndim == 2 else 1)
        if dtype != 1 or nbytes != 4 * n or off + nbytes > len(buf):
            raise ValueError('%s: tensor %s: bad dtype, size or offset' % (path, name))
        a = np.frombuffer(buf, dtype='<f4', count=n, offset=off).astype(np.float32)
        arrays[name] = a.reshape((rows, cols) if ndim == 2 else (rows,))
    dims = dict(version=version, arch=ARCHS[arch], G=G, P=P, E=E, H=H, Ed=Ed, D=D,
                max_len=max_len, reversed=bool(flags & 2))
    return arrays, dims


def state_from_arrays(a):
    """Exported arrays (export_npz's names) -> a BiGruAttn state dict of tensors
    (arch 2; arch 3 also has dec_w_if, appended to the decoder's W_ih)."""
    import torch
    t = {k: torch.from_numpy(np.array(v)) for k, v in a.items()}
    w_ih = t['dec_w_ih']
    if 'dec_w_if' in t:
        w_ih = torch.cat([w_ih, t['dec_w_if']], dim=1)
    sd = {
        'enc_emb.weight': t['enc_emb'],
        'enc.weight_ih_l0': t['encf_w_ih'], 'enc.weight_hh_l0': t['encf_w_hh'],
        'enc.bias_ih_l0': t['encf_b_ih'], 'enc.bias_hh_l0': t['encf_b_hh'],
        'enc.weight_ih_l0_reverse': t['encb_w_ih'], 'enc.weight_hh_l0_reverse': t['encb_w_hh'],
        'enc.bias_ih_l0_reverse': t['encb_b_ih'], 'enc.bias_hh_l0_reverse': t['encb_b_hh'],
        'init.weight': t['init_w'], 'init.bias': t['init_b'],
        'dec_emb.weight': t['dec_emb'],
        'dec.weight_ih_l0': w_ih, 'dec.weight_hh_l0': t['dec_w_hh'],
        'dec.bias_ih_l0': t['dec_b_ih'], 'dec.bias_hh_l0': t['dec_b_hh'],
        'att.weight': t['att_w'],
        'comb.weight': t['comb_w'], 'comb.bias': t['comb_b'],
        'fc.weight': t['fc_w'], 'fc.bias': t['fc_b'],
    }
    return sd


def checkpoint_from_model_file(path):
    """A .g2pm or an exported .npz -> the {'model', 'args'} pair --init-from reads."""
    if path.endswith('.npz'):
        z = np.load(path)
        arrays = {k: z[k] for k in z.files
                  if k not in ('graphemes', 'phonemes', 'max_len', 'arch', 'reversed')}
        arch = bytes(z['arch']).decode('ascii') if 'arch' in z.files else 'bigru-attn'
        reverse = 'reversed' in z.files and int(z['reversed'][0]) == 1
        E = arrays['enc_emb'].shape[1]
        H = arrays['encf_w_hh'].shape[1]
        D = arrays['dec_w_hh'].shape[1]
    else:
        arrays, dims = read_g2pm(path)
        arch, E, H, D = dims['arch'], dims['E'], dims['H'], dims['D']
        reverse = dims['reversed']
        if dims['Ed'] != E:
            raise ValueError('%s: Ed %d != E %d; the trainer uses one embedding width' % (
                path, dims['Ed'], E))
    sd = state_from_arrays(arrays)
    args = dict(emb=E, hidden=H, dec=D, input_feed=(arch == 'bigru-attn-if'), reverse=reverse)
    return dict(model=sd, args=args)
