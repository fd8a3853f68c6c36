"""Quantization-aware fine-tuning for 4-bit recurrent matrices.

Why: the recurrent matrices (both encoder directions' W_hh and the
decoder's) are what every step of the network reads; stored in 4 bits they
take half the bytes of int8 (g2p-convert --quantize int4). Rounded after
training they cost about half a point of WER, so the network is fine-tuned
with them rounded in the forward pass (straight-through: the gradient at
the rounded weights updates the float master weights).

The rounding rule is the converter's (g2p/model_quantize.c): per row,
scale = max|w| / 7 in float32, q = clamp(rint(w / scale), -7, 7), w' = q *
scale; an all-zero row keeps scale 1.
"""
import contextlib

import torch

INT4_RECURRENT = ('enc.weight_hh_l0', 'enc.weight_hh_l0_reverse', 'dec.weight_hh_l0')


def fake_int4(w):
    """The converter's per-row 4-bit rounding of a 2-D float32 tensor."""
    mx = w.abs().amax(dim=1, keepdim=True)
    s = torch.where(mx > 0, mx / 7.0, torch.ones_like(mx))
    return torch.clamp(torch.round(w / s), -7, 7) * s


@contextlib.contextmanager
def rounded(model, names=INT4_RECURRENT):
    """Within the block the named parameters hold their 4-bit values; on
    leaving, the float masters come back (gradients computed inside stay,
    so an optimizer step after the block is the straight-through update)."""
    params = dict(model.named_parameters())
    saved = {}
    with torch.no_grad():
        for n in names:
            p = params[n]
            saved[n] = p.detach().clone()
            p.copy_(fake_int4(p))
    try:
        yield
    finally:
        with torch.no_grad():
            for n, w in saved.items():
                params[n].copy_(w)
