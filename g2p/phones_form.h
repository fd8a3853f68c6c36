/* phones_form.h -- other spellings of an ARPAbet pronunciation.
 *
 * The engine answers in CMU ARPAbet with stress digits ("AA1 R D V AA2 R
 * K"); callers may want it without the digits ("AA R D V AA R K") or in the
 * IPA, General American ("ˈɑɹdˌvɑɹk"), with the stress marks at the start
 * of the stressed syllable (maximal onset over legal English onsets; table
 * and rules in doc/ipa.md). Pure functions over caller buffers: no
 * allocation, usable on the request path. The daemon reaches them through
 * the engine's face, g2p_respell() in engine.h. */
#ifndef RNNINFERD_G2P_PHONES_FORM_H
#define RNNINFERD_G2P_PHONES_FORM_H

#include <stddef.h>

#include "g2p/g2p_limits.h" /* G2P_FORM_MAX: enough for either form */

/* Copies the pronunciation (len bytes, phonemes separated by one space)
 * without stress digits into out. Returns the bytes written (no NUL), or -1
 * when out is too small or the input is not ARPAbet. */
int g2p_phones_strip_stress(const char *in, size_t len, char *out, size_t cap);

/* Writes the IPA form (UTF-8, no separators) into out; with stress, primary
 * and secondary stress marks (U+02C8, U+02CC) open the stressed syllables.
 * Returns the bytes written (no NUL), or -1 when out is too small or a
 * phoneme is unknown. */
int g2p_phones_to_ipa(const char *in, size_t len, int stress, char *out, size_t cap);

#endif
