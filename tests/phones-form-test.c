/* phones-form-test.c -- ARPAbet without stress and ARPAbet to IPA
 * (g2p/phones_form.h): the table, syllable-initial stress marks under
 * maximal onset, and bad input (unknown phonemes, small buffers). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "g2p/phones_form.h"

static const char *ipa(const char *arpa, int stress) {
  static char out[G2P_FORM_MAX + 1];
  int n = g2p_phones_to_ipa(arpa, strlen(arpa), stress, out, G2P_FORM_MAX);
  if (n < 0) return NULL;
  out[n] = '\0';
  return out;
}

static const char *plain(const char *arpa) {
  static char out[G2P_FORM_MAX + 1];
  int n = g2p_phones_strip_stress(arpa, strlen(arpa), out, G2P_FORM_MAX);
  if (n < 0) return NULL;
  out[n] = '\0';
  return out;
}

START_TEST(strip_stress) {
  ck_assert_str_eq(plain("AA1 R D V AA2 R K"), "AA R D V AA R K");
  ck_assert_str_eq(plain("T AH0 M EY1 T OW2"), "T AH M EY T OW");
  ck_assert_str_eq(plain("B"), "B");
  char small[4];
  ck_assert_int_eq(g2p_phones_strip_stress("AA1 R D", 7, small, sizeof small), -1);
}
END_TEST

START_TEST(stress_at_syllable_starts) {
  ck_assert_str_eq(ipa("AA1 R D V AA2 R K", 1), "ˈɑɹdˌvɑɹk");  /* D V: only V */
  ck_assert_str_eq(ipa("T AH0 M EY1 T OW2", 1), "təˈmeɪˌtoʊ");
  ck_assert_str_eq(ipa("AH0 B AW1 T", 1), "əˈbaʊt");
  ck_assert_str_eq(ipa("IH1 N S T R AH0 M AH0 N T", 1), "ˈɪnstɹəmənt");
  ck_assert_str_eq(ipa("EH2 K S P L AH0 N EY1 SH AH0 N", 1), "ˌɛkspləˈneɪʃən"); /* S P L */
  ck_assert_str_eq(ipa("IH0 N S K R AY1 B", 1), "ɪnˈskɹaɪb");       /* S K R, not N S K R */
  ck_assert_str_eq(ipa("AE1 T L AH0 S", 1), "ˈætləs");               /* T L is no onset */
  ck_assert_str_eq(ipa("S IH1 NG ER0", 1), "ˈsɪŋɚ");                 /* NG never opens */
  ck_assert_str_eq(ipa("K AH0 M Y UW1 T", 1), "kəˈmjut");            /* M Y */
  ck_assert_str_eq(ipa("S T R EH1 NG K TH S", 1), "ˈstɹɛŋkθs");
  ck_assert_str_eq(ipa("P ER1 S AH0 N", 1), "ˈpɝsən");
  ck_assert_str_eq(ipa("HH M", 1), "hm");                           /* no vowel */
}
END_TEST

START_TEST(without_marks_and_every_symbol) {
  ck_assert_str_eq(ipa("AA1 R D V AA2 R K", 0), "ɑɹdvɑɹk");
  ck_assert_str_eq(ipa("AH0 AH1 ER0 ER1", 0), "əʌɚɝ");
  ck_assert_str_eq(ipa("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW", 0),
                   "ɑæʌɔaʊaɪɛɝeɪɪioʊɔɪʊu");
  ck_assert_str_eq(ipa("B CH D DH F G HH JH K L M N NG P R S SH T TH V W Y Z ZH", 0),
                   "btʃdðfɡhdʒklmnŋpɹsʃtθvwjzʒ");
}
END_TEST

START_TEST(bad_input) {
  char out[G2P_FORM_MAX];
  ck_assert_ptr_null(ipa("AA1 XX", 1));      /* unknown phoneme */
  ck_assert_ptr_null(ipa("K1 AA1", 1));      /* a consonant with a digit */
  ck_assert_ptr_null(ipa("AA1  R", 1));      /* empty phoneme */
  ck_assert_ptr_null(ipa("", 1));
  ck_assert_int_eq(g2p_phones_to_ipa("OY1 OY1", 7, 1, out, 5), -1); /* too small */
  /* 64 phonemes, each the longest in IPA with a mark: fits G2P_FORM_MAX */
  char big[64 * 4];
  size_t o = 0;
  for (int i = 0; i < 64; i++) o += (size_t)snprintf(big + o, sizeof big - o, "%sOY1", i ? " " : "");
  int n = g2p_phones_to_ipa(big, o, 1, out, sizeof out);
  ck_assert_int_eq(n, 64 * 6);
  /* 65 phonemes: refused */
  char bigger[66 * 2];
  o = 0;
  for (int i = 0; i < 65; i++) o += (size_t)snprintf(bigger + o, sizeof bigger - o, "%sB", i ? " " : "");
  ck_assert_int_eq(g2p_phones_to_ipa(bigger, o, 1, out, sizeof out), -1);
}
END_TEST

int main(void) {
  Suite *s = suite_create("phones-form");
  TCase *tc = tcase_create("forms");
  tcase_add_test(tc, strip_stress);
  tcase_add_test(tc, stress_at_syllable_starts);
  tcase_add_test(tc, without_marks_and_every_symbol);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
