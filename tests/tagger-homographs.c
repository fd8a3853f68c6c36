/* tagger-homographs -- the shipped models read the 20 commonest homographs
 * of the Wikipedia Homograph Data right in both of their readings, and a
 * few words that only the CMUdict part-of-speech rule covers, in sentences
 * written for this test (none is from the data). Also: words outside the
 * table are left alone, and the choice does not depend on the case of the
 * word. Needs only the models under models/. */
#include <stdio.h>
#include <string.h>

#include "tests/tagger-util.h"
#include "text/homograph.h"
#include "text/tagger.h"

typedef struct example {
  const char *sentence; /* tokens separated by single spaces */
  const char *word;     /* the token to choose for (first occurrence) */
  const char *reading;  /* expected reading name */
} example;

static const example examples[] = {
    {"She read the whole book yesterday .", "read", "read_past"},
    {"I will read it tomorrow .", "read", "read_present"},
    {"The old pipes were made of lead .", "lead", "lead_nou"},
    {"She will lead the team to victory .", "lead", "lead_nou-vrb"},
    {"We took an alternate route home .", "alternate", "alternate_adj-nou"},
    {"The lights alternate between red and green .", "alternate", "alternate_vrb"},
    {"He looked after his aged parents for years .", "aged", "aged_adj"},
    {"Children aged ten to twelve can join the club .", "aged", "aged"},
    {"Many lives were lost in the war .", "lives", "lives_nou"},
    {"She lives in Paris with her sister .", "lives", "lives_vrb"},
    {"It was a perfect day for a picnic .", "perfect", "perfect_adj"},
    {"He spent years trying to perfect the recipe .", "perfect", "perfect_vrb"},
    {"They sleep in separate rooms .", "separate", "separate_adj"},
    {"It is hard to separate the two issues .", "separate", "separate_vrb"},
    {"The use of force was not allowed .", "use", "use_nou"},
    {"You can use my car tomorrow .", "use", "use_vrb"},
    {"She paints large abstract pictures .", "abstract", "abstract_adj-nou"},
    {"The program will abstract the data from the reports .", "abstract", "abstract_vrb"},
    {"The report described years of abuse .", "abuse", "abuse_nou"},
    {"Officials must not abuse their power .", "abuse", "abuse_vrb"},
    {"The group documented human rights abuses .", "abuses", "abuses_nou"},
    {"He often abuses his position .", "abuses", "abuses_vrb"},
    {"She is a strong advocate for children .", "advocate", "advocate_nou"},
    {"We advocate a change in the law .", "advocate", "advocate_vrb"},
    {"The patient showed a flat affect and little emotion .", "affect", "affect_nou-psy"},
    {"The weather can affect your mood .", "affect", "affect"},
    {"The analyses showed no effect .", "analyses", "analyses_nou"},
    {"He analyses the data every week .", "analyses", "analyses_vrb"},
    {"This is not an appropriate place to talk .", "appropriate", "appropriate_adj"},
    {"The state may appropriate the land for the road .", "appropriate", "appropriate_vrb"},
    {"She is an articulate speaker .", "articulate", "articulate_adj"},
    {"He could not articulate his ideas .", "articulate", "articulate_vrb"},
    {"He is an associate professor at the university .", "associate", "associate_adj-nou"},
    {"People associate the color red with danger .", "associate", "associate_vrb"},
    {"Patience is a useful attribute .", "attribute", "attribute_nou"},
    {"They attribute their success to hard work .", "attribute", "attribute_vrb"},
    {"The graph plots the data on two axes , with time on the horizontal axis .", "axes",
     "axes_nou"},
    {"The woodcutters sharpened their axes before felling the trees .", "axes",
     "axes_nou-vrb"},
    {"The University of Bologna is the oldest university in Italy .", "Bologna",
     "bologna_geo"},
    {"He ate a bologna sandwich with cheese for lunch .", "bologna", "bologna"},
    /* rule-only words (not in the homograph data): noun / verb by POS */
    {"The city issues building permits every month .", "permits", "permits:noun"},
    {"The law permits fishing in the lake .", "permits", "permits:verb"},
};

static int run_example(const tagger *t, const homograph *h, const example *ex) {
  char buf[512];
  snprintf(buf, sizeof buf, "%s", ex->sentence);
  tagger_word w[64];
  size_t n = 0, target = 64;
  for (char *p = buf; *p && n < 64;) {
    char *e = strchr(p, ' ');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    w[n].s = p;
    w[n].len = len;
    if (target == 64 && len == strlen(ex->word) && memcmp(p, ex->word, len) == 0) target = n;
    n++;
    if (!e) break;
    p = e + 1;
  }
  if (target == 64) {
    printf("FAIL: \"%s\" not in \"%s\"\n", ex->word, ex->sentence);
    return 1;
  }
  uint8_t tags[64];
  tagger_tag(t, w, n, tags);
  homograph_choice ch;
  if (!homograph_choose(h, w, tags, n, target, &ch)) {
    printf("FAIL: %s: not a known homograph\n", ex->word);
    return 1;
  }
  static const char *const how[] = {"none", "classifier", "POS rule", "most frequent"};
  int ok = strcmp(ch.reading, ex->reading) == 0;
  printf("%s: %-12s %-20s %-26s (%s, %s|%s) %s\n", ok ? "ok  " : "FAIL", ex->word, ch.reading,
         ch.phones, how[ch.how], tagger_upos_name(tagger_upos(t, tags[target])),
         tagger_xpos(t, tags[target]), ex->sentence);
  return !ok;
}

int main(void) {
  char mp[4096], hp[4096], err[512];
  tagger *t;
  homograph *h;
  if (tagger_open(&t, tu_src_path(mp, sizeof mp, "models/en-ewt-tagger.linm"), err,
                  sizeof err) != 0 ||
      homograph_open(&h, tu_src_path(hp, sizeof hp, "models/en-homographs.linm"), t, err,
                     sizeof err) != 0) {
    printf("FAIL: %s\n", err);
    return 1;
  }
  int failed = 0;
  size_t n = sizeof examples / sizeof examples[0];
  for (size_t i = 0; i < n; i++) failed += run_example(t, h, &examples[i]);

  /* not homographs: nothing chosen */
  tagger_word w[3] = {{"the", 3}, {"cat", 3}, {".", 1}};
  uint8_t tags[3];
  tagger_tag(t, w, 3, tags);
  homograph_choice ch;
  if (homograph_choose(h, w, tags, 3, 1, &ch) || ch.how != HOMOGRAPH_NONE || ch.phones) {
    printf("FAIL: \"cat\" chosen as a homograph\n");
    failed++;
  }
  if (homograph_choose(h, w, tags, 3, 3, &ch)) {
    printf("FAIL: index past the sentence accepted\n");
    failed++;
  }
  /* the table is found in any case: READ in capitals is still a homograph */
  tagger_word r[1] = {{"READ", 4}};
  if (!homograph_known(h, "READ", 4) || !homograph_known(h, "Lead", 4) ||
      homograph_known(h, "zzzz", 4)) {
    printf("FAIL: table lookup ignores case wrongly\n");
    failed++;
  }
  tagger_tag(t, r, 1, tags);
  if (!homograph_choose(h, r, tags, 1, 0, &ch)) {
    printf("FAIL: READ alone not chosen\n");
    failed++;
  }
  printf("%zu rule and classifier examples, %d failed; %zu words in the table\n", n, failed,
         homograph_n_words(h));
  homograph_close(h);
  tagger_close(t);
  return failed ? 1 : 0;
}
