/* engine.h -- the one call the daemon makes per word.
 *
 * The engine answers a word from the pronunciation dictionary when it can and
 * from the neural network otherwise, and says which one answered. It is the
 * seam between the daemon (sockets, threads) and everything numeric: the
 * daemon never sees the lexicon or the model directly.
 *
 * Threading: a g2p_engine is immutable once opened and may be shared by any
 * number of threads. All mutable per-call state lives in a g2p_scratch, which
 * each thread owns and which is allocated once, up front: g2p_engine_lookup()
 * itself never allocates.
 *
 * Lifetime: phoneme text returned in a g2p_word_result points either into the
 * engine's read-only lexicon image or into the scratch. It stays valid until
 * the next lookup with the same scratch or until the engine is closed,
 * whichever comes first. */
#ifndef RNNINFERD_G2P_ENGINE_H
#define RNNINFERD_G2P_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "g2p/g2p_limits.h"

enum g2p_source {
  G2P_SOURCE_NONE = 0,  /* nobody answered (see error) */
  G2P_SOURCE_DICT = 1,  /* the pronunciation dictionary */
  G2P_SOURCE_MODEL = 2, /* the neural network */
  G2P_SOURCE_LETTERS = 3, /* text front end: a letter said by its name */
  G2P_SOURCE_USER = 4,  /* a user lexicon (looked up before the dictionary) */
  G2P_SOURCE_HOMOGRAPH = 5 /* text op: a reading chosen from the sentence */
};

/* Per-call options (bit flags). */
enum g2p_flags {
  G2P_FLAG_MODEL_ONLY = 1u << 0, /* skip the dictionary */
  G2P_FLAG_VARIANTS = 1u << 1,   /* fill every dictionary variant */
  /* The caller already asked the result cache for this word (a daemon
   * worker after the loop thread missed): do not ask again, but do store
   * the network's answer. */
  G2P_FLAG_CACHE_CHECKED = 1u << 2,
  /* Answer without running the network: the user lexicons, the
   * dictionary, the result cache (and in the text op letters and chosen
   * homograph readings) still answer; a word only the network could answer
   * returns G2P_ENEEDNET instead (the daemon's loop thread then hands it to
   * a worker). Without a model such a word is G2P_ENOTFOUND as always. */
  G2P_FLAG_NO_NETWORK = 1u << 3
};

typedef struct g2p_engine g2p_engine;
typedef struct g2p_scratch g2p_scratch;

typedef struct g2p_engine_config {
  const char *lexicon_path; /* compiled lexicon; NULL = no dictionary */
  const char *model_path;   /* model file; NULL = no network */
  int beam_width;           /* default beam width (1 = greedy) */
  /* User lexicons (CMUdict text, g2p/lexicon_user.h), compiled at open and
   * looked up before the dictionary; a file with a bad line fails the open
   * and every bad line is passed to diag (when set) with its line number. */
  const char *const *user_lexicon_paths;
  size_t n_user_lexicons;
  void (*diag)(void *ctx, const char *msg);
  void *diag_ctx;

  /* Result cache of network answers, keyed by the normalised word and the
   * beam width: entries (rounded up to a power of two, at least 4; 0 = no
   * cache), allocated at open, never after; a new engine starts empty.
   * cache_of: use that engine's cache instead (a dictionary-only twin that
   * answers repeated network words on another thread); it must outlive
   * this engine. A word answered from the cache has source MODEL. */
  size_t cache_entries;
  const struct g2p_engine *cache_of;

  /* Homographs in the text op (text/tagger.h, text/homograph.h): a
   * part-of-speech tagger model and the homograph chooser trained with it.
   * Both NULL: the text op says each word's first variant. A homograph
   * model needs the tagger; a damaged file fails the open. */
  const char *tagger_path;
  const char *homograph_path;

  /* Rescoring (needs model_path): a network answer is the best of the n
   * hypotheses of a beam of width max(beam, rescore_beam), ranked by
   * log p(model) + rescore_weight * log p(rescorer); the rescorer is
   * typically a right-to-left network (G2PM_FLAG_REVERSED), which errs
   * differently. n-best alternatives are ranked the same way (their
   * logprob stays the model's). NULL: no rescoring. rescore_weight 0 means
   * 1.0 (else > 0); rescore_beam 0 means 4 (else 2..G2P_NBEST_MAX).
   * rescore_gate < 0 rescores only the uncertain words of greedy lookups
   * (beam width 1): the greedy answer is kept when its log-probability is
   * at least rescore_gate, and only the others are searched and rescored,
   * so the rescorer's cost falls on the few words where it can pay. 0:
   * every word is rescored; > 0 is refused. */
  const char *rescore_model_path;
  double rescore_weight;
  int rescore_beam;
  double rescore_gate;
} g2p_engine_config;

/* Counters of an engine's result cache (all 0 without one). */
typedef struct g2p_cache_stats {
  uint64_t entries, hits, misses, inserts;
} g2p_cache_stats;

typedef struct g2p_word_result {
  enum g2p_source source;
  int error;                 /* enum g2p_error; 0 when source != NONE */
  const char *phones;        /* "AA1 R D V AA2 R K", not NUL-terminated */
  uint16_t phones_len;
  uint8_t n_variants;        /* >= 1 when G2P_FLAG_VARIANTS and source=DICT/USER */
  const char *variant[G2P_VARIANTS_MAX];   /* variant[0] == phones */
  uint16_t variant_len[G2P_VARIANTS_MAX];
  /* source MODEL: the answer's probability under the network (exp of the
   * sum of the log-softmax of its phonemes and of the end of the word;
   * for a beam, of the best hypothesis), 0..1. 0 for other sources. */
  double confidence;
  /* g2p_engine_lookup_nbest only (0 otherwise): the n best network
   * hypotheses, best first, alternative[0] == phones, with their
   * log-probabilities (exp(alternative_logprob[0]) == confidence); for a
   * dictionary or user answer its variants, with logprob NAN. */
  uint8_t n_alternatives;
  const char *alternative[G2P_NBEST_MAX];
  uint16_t alternative_len[G2P_NBEST_MAX];
  double alternative_logprob[G2P_NBEST_MAX];
} g2p_word_result;

/* Open: maps the lexicon, loads and packs the model. On failure returns a
 * negative g2p_error and writes a human-readable reason into err. */
int g2p_engine_open(g2p_engine **out, const g2p_engine_config *cfg,
                    char *err, size_t errlen);
void g2p_engine_close(g2p_engine *engine);

/* Facts for the `info` op. Strings are owned by the engine. */
typedef struct g2p_engine_info {
  uint32_t lexicon_words;    /* distinct headwords, 0 without a lexicon */
  uint32_t lexicon_prons;    /* pronunciations incl. variants */
  uint32_t user_words;       /* the user lexicons' words, 0 without */
  uint32_t user_prons;
  const char *lexicon_path;
  int has_model;
  const char *model_name;    /* from the model file's header */
  const char *model_arch;    /* e.g. "g2p_en-gru" */
  const char *model_path;
  const char *kernel;        /* kernel variant in use: scalar/avx2/avx512 */
  uint32_t model_checksum;
  uint32_t homograph_words;  /* words the chooser knows, 0 without */
  const char *rescore_name;  /* the rescorer's, NULL without */
  uint32_t rescore_checksum;
  double rescore_weight;
  int rescore_beam;
  double rescore_gate;       /* 0: every word rescored */
} g2p_engine_info;
void g2p_engine_get_info(const g2p_engine *engine, g2p_engine_info *info);
void g2p_engine_cache_stats(const g2p_engine *engine, g2p_cache_stats *st);

/* Scratch: per-thread working memory for lookups, sized for the engine it
 * was created for (allocated here, once). */
int g2p_scratch_create(g2p_scratch **out, const g2p_engine *engine);
void g2p_scratch_destroy(g2p_scratch *scratch);

/* Look up one word (len bytes of UTF-8, not NUL-terminated). Never
 * allocates. beam_width <= 0 means the engine's default. Returns 0 or a
 * negative g2p_error (also stored in res->error). */
int g2p_engine_lookup(const g2p_engine *engine, g2p_scratch *scratch,
                      const char *word, size_t len, unsigned flags,
                      int beam_width, g2p_word_result *res);

/* As g2p_engine_lookup, also filling the alternatives of res with up to
 * nbest (1..beam width) answers: a network word's nbest best beam
 * hypotheses (empty ones left out; never from the result cache, which
 * holds one answer), a dictionary word's first nbest variants. Returns
 * G2P_EINVAL when nbest is out of range. Never allocates. */
int g2p_engine_lookup_nbest(const g2p_engine *engine, g2p_scratch *scratch,
                            const char *word, size_t len, unsigned flags,
                            int beam_width, int nbest, g2p_word_result *res);

/* Looks up n <= G2P_BATCH_MAX words at once, each exactly as
 * g2p_engine_lookup would (same flags and beam width for all): dictionary
 * words from the dictionary, the rest through the network, greedy ones
 * batched into one lockstep decode (one matrix-matrix product per step for
 * all of them). Never allocates. res[0..n) are all valid until the next
 * lookup with this scratch. Returns 0 (per-word errors are in res[i].error)
 * or G2P_EINVAL for bad arguments. */
int g2p_engine_lookup_batch(const g2p_engine *engine, g2p_scratch *scratch,
                            const char *const *words, const size_t *lens,
                            size_t n, unsigned flags, int beam_width,
                            g2p_word_result *res);

/* Is key (len bytes, already lower case) a headword of a user lexicon or
 * of the dictionary? Never runs the network, never allocates. 0 without
 * either. */
int g2p_engine_has_word(const g2p_engine *engine, const char *key, size_t len);

/* --- running text (the text op) --------------------------------------------
 * The text front end (text/) composed with the dictionary and the network.
 * A g2p_text_ctx holds the front end's buffers, sized once; one per thread.
 * g2p_engine_text_analyze() reads a text into it; then each token and each
 * of its spoken words is answered on demand, so a caller can pack replies
 * as it goes. Nothing here allocates after g2p_text_ctx_create(). */
typedef struct g2p_text_ctx g2p_text_ctx;

int g2p_text_ctx_create(g2p_text_ctx **out, uint32_t max_bytes,
                        uint32_t max_tokens, uint32_t max_words);
void g2p_text_ctx_destroy(g2p_text_ctx *ctx);

/* Reads s[0..n) into ctx and, when the engine has a homograph model, tags
 * it sentence by sentence and chooses the reading of each homograph (the
 * answer g2p_engine_text_word gives it, source G2P_SOURCE_HOMOGRAPH). Returns 0 with *n_tokens, or G2P_EUTF8 (not
 * UTF-8, or a NUL), G2P_ETOOLONG (over max_bytes), G2P_ETOKENS (over
 * max_tokens or max_words), with a reason in err. */
int g2p_engine_text_analyze(const g2p_engine *engine, g2p_text_ctx *ctx,
                            const char *s, size_t n, uint32_t *n_tokens,
                            char *err, size_t errlen);

enum g2p_token_error {
  G2P_TOKEN_OK = 0,
  G2P_TOKEN_UNREADABLE = 1, /* script or symbol the front end cannot read */
  G2P_TOKEN_TOOLONG = 2     /* a word longer than the front end's limit */
};

typedef struct g2p_text_token {
  uint32_t start, end;           /* code points of the text, end exclusive */
  uint32_t byte_start, byte_end;
  const char *kind;              /* "word", "punctuation", "money", ... */
  int error;                     /* enum g2p_token_error */
  uint32_t n_words;              /* spoken words */
} g2p_text_token;

/* Token i (< *n_tokens) of the last analysis. */
void g2p_text_token_get(const g2p_text_ctx *ctx, uint32_t i, g2p_text_token *out);

/* Answers spoken word k of token i: its text (lower case, into ctx) in
 * *word (of *word_len bytes), its phonemes in res: letters by their names (source
 * G2P_SOURCE_LETTERS), a homograph by the reading chosen at analysis (source
 * G2P_SOURCE_HOMOGRAPH; not with G2P_FLAG_MODEL_ONLY, nor for a word of a
 * user lexicon), the rest as g2p_engine_lookup would. */
int g2p_engine_text_word(const g2p_engine *engine, g2p_scratch *scratch,
                         const g2p_text_ctx *ctx, uint32_t i, uint32_t k,
                         unsigned flags, int beam_width, const char **word,
                         uint16_t *word_len, g2p_word_result *res);

/* A written form read as one pronunciation (the words op's answer for
 * "42", "Dr." or "FBI"): the phonemes of its spoken words joined by spaces
 * into out. Returns the length, or G2P_ENOTFOUND when it says nothing,
 * G2P_ETOOLONG when out is too small, G2P_EUTF8. *source: model if any
 * word came from the network, letters if every word is a letter's name
 * (a spelled form: "FBI", "xkcd"), else dict; *confidence: the product of the
 * network words' confidences (1 when none). */
int g2p_engine_text_reading(const g2p_engine *engine, g2p_scratch *scratch,
                            g2p_text_ctx *ctx, const char *s, size_t n,
                            unsigned flags, int beam_width, char *out,
                            size_t cap, enum g2p_source *source,
                            double *confidence);

/* Folds a word for lookup as the text front end does (NFKC, case folded,
 * accents stripped, curly apostrophes): the key in key[0..cap), its length,
 * or -1 when the word does not fold to letters and apostrophes. */
int g2p_fold_word(const char *s, size_t n, char *key, size_t cap);

/* Spellings of a pronunciation other than stressed ARPAbet (bit flags). */
enum g2p_form {
  G2P_FORM_NO_STRESS = 1u << 0, /* no stress digits / IPA stress marks */
  G2P_FORM_IPA = 1u << 1        /* IPA, General American (doc/ipa.md) */
};
/* Respells phones (len bytes, "AA1 R D V AA2 R K") in form into out (cap
 * bytes; G2P_FORM_MAX always suffices). Returns the bytes written (no NUL)
 * or G2P_EINVAL. Never allocates. */
int g2p_respell(const char *phones, size_t len, unsigned form, char *out, size_t cap);

const char *g2p_strerror(int err);
const char *g2p_source_name(enum g2p_source source);

#endif
