/* g2p_limits.h -- the limits and error codes every layer of g2p/ shares.
 *
 * The engine, the model loader, the decoders and the converters all size
 * buffers from these bounds and report failures with these codes, so they
 * live here, below engine.h, where no file needs the engine to get them. */
#ifndef RNNINFERD_G2P_LIMITS_H
#define RNNINFERD_G2P_LIMITS_H

/* Upper bounds that size every fixed buffer on the hot path. */
#define G2P_WORD_MAX      256 /* bytes of UTF-8 in one word, hard cap */
#define G2P_PHONES_MAX    64  /* phonemes in one pronunciation */
#define G2P_TEXT_MAX      (G2P_PHONES_MAX * 4) /* "AA1 R D ..." incl. NUL */
#define G2P_VARIANTS_MAX  8   /* pronunciations returned for one word */
#define G2P_BEAM_MAX      16  /* widest beam search */
#define G2P_NBEST_MAX     G2P_BEAM_MAX /* alternatives of one answer */
#define G2P_BATCH_MAX     16  /* words decoded in lockstep in one batch */
#define G2P_BATCH_WORD_MAX 64 /* longest word (bytes) the batch decoder takes */
/* A pronunciation respelled (stressless or IPA, g2p_respell): at most 4
 * bytes a phoneme plus a 2-byte stress mark a syllable. */
#define G2P_FORM_MAX      512

/* The model block and every scratch arena are laid out in 64-byte-aligned
 * pieces: each table row and state vector starts on a cache line, which
 * the AVX-512 kernels' aligned loads rely on. */
#define G2P_ALIGN 64
#define G2P_ALIGN64(n) (((n) + (size_t)(G2P_ALIGN - 1)) & ~(size_t)(G2P_ALIGN - 1))

/* Error codes: 0 is success, the rest are negative. */
enum g2p_error {
  G2P_OK = 0,
  G2P_ENOTFOUND = -1, /* not in the dictionary and no model loaded, or a written form that says nothing */
  G2P_EEMPTY = -2,    /* empty word */
  G2P_ETOOLONG = -3,  /* word longer than the engine's limit */
  G2P_EUTF8 = -4,     /* word is not valid UTF-8 */
  G2P_EINVAL = -5,    /* bad argument (programming error) */
  G2P_ENOMEM = -6,    /* allocation failed (open/scratch only) */
  G2P_EIO = -7,       /* file could not be read */
  G2P_EFORMAT = -8,   /* file is damaged or not of our format */
  G2P_ENOPRON = -9,   /* the network gave an empty pronunciation, at the
                         asked beam width and greedy alike */
  G2P_ETOKENS = -10,  /* text: more tokens or spoken words than the limit */
  G2P_ENEEDNET = -11  /* G2P_FLAG_NO_NETWORK: only the network can answer */
};

#endif
