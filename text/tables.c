/* tables.c -- the fixed word lists of the English front end: letter names,
 * units, months, symbols, abbreviations, top-level domains, kind names.
 * Data only; the rules that use them are in tokenize.c and classify.c. */
#include <string.h>
#include <strings.h>

#include "text/text_impl.h"
#include "text/tables.h"

/* CMUdict's own letter names (the first variant of "a", "b", ... is not
 * always the letter: "a" is AH0). */
static const char *const letter_phones[26] = {
    "EY1", "B IY1", "S IY1", "D IY1", "IY1", "EH1 F", "JH IY1", "EY1 CH",
    "AY1", "JH EY1", "K EY1", "EH1 L", "EH1 M", "EH1 N", "OW1", "P IY1",
    "K Y UW1", "AA1 R", "EH1 S", "T IY1", "Y UW1", "V IY1",
    "D AH1 B AH0 L Y UW0", "EH1 K S", "W AY1", "Z IY1"};

const char *text_letter_phones(int c) {
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  if (c < 'a' || c > 'z') return NULL;
  return letter_phones[c - 'a'];
}

/* Plural letter names for spelled plurals and possessives (CDs, FBI's). */
const char *text_letter_phones_z(int c) {
  static const char *const z[26] = {
      "EY1 Z", "B IY1 Z", "S IY1 Z", "D IY1 Z", "IY1 Z", "EH1 F S",
      "JH IY1 Z", "EY1 CH IH0 Z", "AY1 Z", "JH EY1 Z", "K EY1 Z", "EH1 L Z",
      "EH1 M Z", "EH1 N Z", "OW1 Z", "P IY1 Z", "K Y UW1 Z", "AA1 R Z",
      "EH1 S IH0 Z", "T IY1 Z", "Y UW1 Z", "V IY1 Z",
      "D AH1 B AH0 L Y UW0 Z", "EH1 K S IH0 Z", "W AY1 Z", "Z IY1 Z"};
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  if (c < 'a' || c > 'z') return NULL;
  return z[c - 'a'];
}

static const text_unit units[] = {
    {"km", "kilometer", "kilometers", TEXT_UNIT_ANY},
    {"cm", "centimeter", "centimeters", TEXT_UNIT_ANY},
    {"mm", "millimeter", "millimeters", TEXT_UNIT_ANY},
    {"m", "meter", "meters", TEXT_UNIT_EXACT},
    {"kg", "kilogram", "kilograms", TEXT_UNIT_ANY},
    {"mg", "milligram", "milligrams", TEXT_UNIT_ANY},
    {"g", "gram", "grams", TEXT_UNIT_EXACT},
    {"lb", "pound", "pounds", TEXT_UNIT_ANY},
    {"lbs", "pounds", "pounds", TEXT_UNIT_ANY},
    {"oz", "ounce", "ounces", TEXT_UNIT_ANY},
    {"ozs", "ounces", "ounces", TEXT_UNIT_ANY},
    {"mi", "mile", "miles", TEXT_UNIT_ANY},
    {"ft", "foot", "feet", TEXT_UNIT_ANY},
    {"yd", "yard", "yards", TEXT_UNIT_ANY},
    {"yds", "yards", "yards", TEXT_UNIT_ANY},
    {"in", "inch", "inches", TEXT_UNIT_FUSED},
    {"mph", "mile per hour", "miles per hour", TEXT_UNIT_ANY},
    {"kph", "kilometer per hour", "kilometers per hour", TEXT_UNIT_ANY},
    {"km/h", "kilometer per hour", "kilometers per hour", TEXT_UNIT_ANY},
    {"m/s", "meter per second", "meters per second", TEXT_UNIT_ANY},
    {"km/s", "kilometer per second", "kilometers per second", TEXT_UNIT_ANY},
    {"km2", "square kilometer", "square kilometers", TEXT_UNIT_ANY}, /* km², after NFKC */
    {"m2", "square meter", "square meters", TEXT_UNIT_ANY},
    {"cm2", "square centimeter", "square centimeters", TEXT_UNIT_ANY},
    {"ft2", "square foot", "square feet", TEXT_UNIT_ANY},
    {"m3", "cubic meter", "cubic meters", TEXT_UNIT_ANY},
    {"cm3", "cubic centimeter", "cubic centimeters", TEXT_UNIT_ANY},
    {"l", "liter", "liters", TEXT_UNIT_FUSED},
    {"L", "liter", "liters", TEXT_UNIT_EXACT},
    {"ml", "milliliter", "milliliters", TEXT_UNIT_ANY},
    {"mL", "milliliter", "milliliters", TEXT_UNIT_ANY},
    {"gal", "gallon", "gallons", TEXT_UNIT_ANY},
    {"°F", "degree fahrenheit", "degrees fahrenheit", TEXT_UNIT_ANY},
    {"°C", "degree celsius", "degrees celsius", TEXT_UNIT_ANY},
    {"°", "degree", "degrees", TEXT_UNIT_ANY},
    {"F", "degree fahrenheit", "degrees fahrenheit", TEXT_UNIT_FUSED},
    {"C", "degree celsius", "degrees celsius", TEXT_UNIT_FUSED},
    {"KB", "kilobyte", "kilobytes", TEXT_UNIT_ANY},
    {"kB", "kilobyte", "kilobytes", TEXT_UNIT_ANY},
    {"MB", "megabyte", "megabytes", TEXT_UNIT_ANY},
    {"GB", "gigabyte", "gigabytes", TEXT_UNIT_ANY},
    {"TB", "terabyte", "terabytes", TEXT_UNIT_ANY},
    {"Hz", "hertz", "hertz", TEXT_UNIT_ANY},
    {"kHz", "kilohertz", "kilohertz", TEXT_UNIT_ANY},
    {"MHz", "megahertz", "megahertz", TEXT_UNIT_ANY},
    {"GHz", "gigahertz", "gigahertz", TEXT_UNIT_ANY},
    {"kW", "kilowatt", "kilowatts", TEXT_UNIT_ANY},
    {"kWh", "kilowatt hour", "kilowatt hours", TEXT_UNIT_ANY},
    {"W", "watt", "watts", TEXT_UNIT_FUSED},
    {"V", "volt", "volts", TEXT_UNIT_FUSED},
    {"ms", "millisecond", "milliseconds", TEXT_UNIT_ANY},
    {"sec", "second", "seconds", TEXT_UNIT_ANY},
    {"secs", "seconds", "seconds", TEXT_UNIT_ANY},
    {"min", "minute", "minutes", TEXT_UNIT_ANY},
    {"mins", "minutes", "minutes", TEXT_UNIT_ANY},
    {"hr", "hour", "hours", TEXT_UNIT_ANY},
    {"hrs", "hours", "hours", TEXT_UNIT_ANY},
    {"h", "hour", "hours", TEXT_UNIT_EXACT},
    {"sq ft", "square foot", "square feet", TEXT_UNIT_ANY},
    {"doz", "dozen", "dozen", TEXT_UNIT_ANY},
    {"tbsp", "tablespoon", "tablespoons", TEXT_UNIT_ANY},
    {"tsp", "teaspoon", "teaspoons", TEXT_UNIT_ANY},
    {"pct", "percent", "percent", TEXT_UNIT_ANY},
    {"pts", "points", "points", TEXT_UNIT_ANY},
    {"s", "second", "seconds", TEXT_UNIT_APART},
    {"ns", "nanosecond", "nanoseconds", TEXT_UNIT_ANY},
    {"\xce\xbcs", "microsecond", "microseconds", TEXT_UNIT_ANY}, /* µs after NFKC */
    {"nm", "nanometer", "nanometers", TEXT_UNIT_ANY},
    {"\xce\xbcm", "micrometer", "micrometers", TEXT_UNIT_ANY},
    {"\xce\xbcg", "microgram", "micrograms", TEXT_UNIT_ANY},
    {"\xce\xbcL", "microliter", "microliters", TEXT_UNIT_ANY},
    {"mol", "mole", "moles", TEXT_UNIT_EXACT},
    {"mmol", "millimole", "millimoles", TEXT_UNIT_ANY},
    {"dL", "deciliter", "deciliters", TEXT_UNIT_EXACT},
    {"kJ", "kilojoule", "kilojoules", TEXT_UNIT_ANY},
    {"kcal", "kilocalorie", "kilocalories", TEXT_UNIT_ANY},
    {"hp", "horsepower", "horsepower", TEXT_UNIT_ANY},
    {"rpm", "revolution per minute", "revolutions per minute", TEXT_UNIT_ANY},
    {"bpm", "beat per minute", "beats per minute", TEXT_UNIT_ANY},
    {"mpg", "mile per gallon", "miles per gallon", TEXT_UNIT_ANY},
    {"mmHg", "millimeter of mercury", "millimeters of mercury", TEXT_UNIT_ANY},
    {"kbps", "kilobit per second", "kilobits per second", TEXT_UNIT_ANY},
    {"Mbps", "megabit per second", "megabits per second", TEXT_UNIT_ANY},
    {"Gbps", "gigabit per second", "gigabits per second", TEXT_UNIT_ANY},
    {"mAh", "milliamp hour", "milliamp hours", TEXT_UNIT_ANY},
    {"mA", "milliamp", "milliamps", TEXT_UNIT_EXACT},
    {"kV", "kilovolt", "kilovolts", TEXT_UNIT_EXACT},
    {"mV", "millivolt", "millivolts", TEXT_UNIT_EXACT},
    {"MW", "megawatt", "megawatts", TEXT_UNIT_EXACT},
    {"GW", "gigawatt", "gigawatts", TEXT_UNIT_EXACT},
    {"MWh", "megawatt hour", "megawatt hours", TEXT_UNIT_EXACT},
    {"GWh", "gigawatt hour", "gigawatt hours", TEXT_UNIT_EXACT},
    {"dB", "decibel", "decibels", TEXT_UNIT_ANY},
    {"kPa", "kilopascal", "kilopascals", TEXT_UNIT_ANY},
    {"\xce\xa9", "ohm", "ohms", TEXT_UNIT_ANY}, /* Ω, and the ohm sign after NFKC */
    {"k\xce\xa9", "kilohm", "kilohms", TEXT_UNIT_ANY},
    {"M\xce\xa9", "megohm", "megohms", TEXT_UNIT_EXACT},
};

const text_unit *text_unit_find(const char *s, size_t n) {
  if (n == 0 || n > 5) return NULL; /* none is longer than "sq ft" */
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (units[i].abbr[0] == s[0] && strlen(units[i].abbr) == n &&
        memcmp(units[i].abbr, s, n) == 0)
      return &units[i];
  /* lower-case forms of the unambiguous ones (KM, Kg; not M3, a car) */
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if ((units[i].abbr[0] | 0x20) == (s[0] | 0x20) && strlen(units[i].abbr) == n &&
        units[i].place == TEXT_UNIT_ANY && !strpbrk(units[i].abbr, "0123456789") &&
        strncasecmp(units[i].abbr, s, n) == 0)
      return &units[i];
  return NULL;
}

static const char *const months[12] = {
    "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december"};

const char *text_month_name(int m) {
  return (m >= 1 && m <= 12) ? months[m - 1] : NULL;
}

/* Full names and the usual abbreviations (without their period). */
int text_month_find(const char *s, size_t n) {
  if (n < 3 || !s[0] || !strchr("jfmasondJFMASOND", s[0])) return 0;
  static const char *const abbr[] = {"jan", "feb", "mar", "apr", "may",
                                     "jun", "jul", "aug", "sep", "oct",
                                     "nov", "dec"};
  for (int m = 0; m < 12; m++) {
    if (strlen(months[m]) == n && strncasecmp(months[m], s, n) == 0) return m + 1;
    if (n == 3 && strncasecmp(abbr[m], s, 3) == 0) return m + 1;
  }
  if (n == 4 && strncasecmp(s, "sept", 4) == 0) return 9;
  return 0;
}

/* The Greek letters by their English names, capital or small (final
 * sigma too): the names a scientist reads (ΔH: delta h; β-blocker) */
const char *text_greek_name(uint32_t c) {
  static const char *const names[25] = {
      "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
      "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "sigma",
      "tau", "upsilon", "phi", "chi", "psi", "omega"};
  if (c >= 0x3b1 && c <= 0x3c9) return names[c - 0x3b1];
  if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) return names[c - 0x391];
  return NULL;
}

const char *text_symbol_reading(uint32_t c) {
  switch (c) {
  case '&': return "and";
  case '+': return "plus";
  case '=': return "equals";
  case '@': return "at";
  case '%': return "percent";
  case '#': return "number";
  case '<': return "less than";
  case '>': return "greater than";
  case '~': return "approximately";
  case '$': return "dollars";
  case 0x00a3: return "pounds";
  case 0x20ac: return "euros";
  case 0x00a5: return "yen";
  case 0x00a2: return "cents";
  case 0x00b0: return "degrees";
  case 0x00d7: return "times";
  case 0x00f7: return "divided by";
  case 0x00b1: return "plus or minus";
  case 0x2248: return "approximately";
  case 0x2260: return "not equal to";
  case 0x2264: return "less than or equal to";
  case 0x2265: return "greater than or equal to";
  case 0x221e: return "infinity";
  case 0x221a: return "the square root of";
  case 0x03c0: return "pi";
  case 0x00a7: return "section";
  case 0x00b6: return "paragraph";
  case 0x00a9: return "copyright";
  case 0x00ae: return "registered";
  case 0x2122: return "trademark";
  case 0x2116: return "number";          /* №, kept from NFKC's "No" by the folder */
  case 0x2030: return "per mille";
  case 0x2192: return "to";              /* A → B */
  case 0x21d2: return "implies";
  case 0x2211: return "the sum of";
  case 0x220f: return "the product of";
  case 0x222b: return "the integral of";
  case 0x2202: return "partial";
  case 0x2206: return "delta";           /* the increment sign */
  case 0x2207: return "nabla";
  case 0x2208: return "in";
  case 0x2200: return "for all";
  case 0x2203: return "there exists";
  case 0x2713: case 0x2714: return "check";
  case 0x2605: case 0x2606: return "star";
  case 0x2665: case 0x2764: return "heart";
  default: return NULL;
  }
}

int text_is_tld(const char *s, size_t n) {
  static const char *const tlds[] = {
      "com", "org", "net", "edu", "gov", "mil", "int", "io", "co", "uk",
      "us", "de", "fr", "ca", "au", "jp", "info", "biz", "app", "dev",
      "ai", "me", "tv", "ly", "eu", "ru", "cn", "in", "nl", "se", "ch",
      "it", "es", "online", "site", "tech", "xyz"};
  for (size_t i = 0; i < sizeof tlds / sizeof tlds[0]; i++)
    if (strlen(tlds[i]) == n && strncasecmp(tlds[i], s, n) == 0) return 1;
  return 0;
}

/* File name extensions (two letters or more: a one-letter one is too
 * often an initial, U.S, a.m) */
int text_is_file_ext(const char *s, size_t n) {
  static const char *const ext[] = {
      "pdf", "txt", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "json", "xml",
      "yaml", "yml", "html", "htm", "css", "js", "py", "cpp", "java", "sh", "md", "jpg",
      "jpeg", "png", "gif", "svg", "mp3", "mp4", "wav", "mov", "zip", "tar", "gz", "exe",
      "dll", "iso", "log", "ini", "conf", "cfg"};
  if (n < 2 || n > 4) return 0;
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
    if (strlen(ext[i]) == n && strncasecmp(ext[i], s, n) == 0) return 1;
  return 0;
}

/* Names said in full, written as one token (y/y is not split at its
 * slash) */
const char *text_fixed_name(const char *s, size_t n) {
  static const char *const names[][2] = {
      {"WWI", "world war one"},        {"WW1", "world war one"},
      {"WWII", "world war two"},       {"WW2", "world war two"},
      {"y/y", "year over year"},       {"Y/Y", "year over year"},
      {"q/q", "quarter over quarter"}, {"Q/Q", "quarter over quarter"},
      {"w/", "with"},                  {"W/", "with"},
      {"w/o", "without"},              {"W/O", "without"},
      {"YoY", "year over year"},       {"QoQ", "quarter over quarter"},
      {"iOS", "i o s"},                {"macOS", "mac o s"},
      {"iPadOS", "i pad o s"},         {"watchOS", "watch o s"},
      {"JPEG", "jay peg"},             {"JPG", "jay peg"},
      {"GIF", "gif"},                  {"PhD", "p h d"}};
  /* the first letters of the names above, and their lengths; each has a
   * capital, a digit or a slash after its first letter */
  if (n < 2 || n > 7 || !s[0] || !strchr("WwYyQqimwJGP", s[0])) return NULL;
  int marked = 0;
  for (size_t k = 1; k < n && !marked; k++)
    marked = (s[k] >= 'A' && s[k] <= 'Z') || (s[k] >= '0' && s[k] <= '9') || s[k] == '/';
  if (!marked) return NULL;
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    if (strlen(names[k][0]) == n && memcmp(names[k][0], s, n) == 0) return names[k][1];
  return NULL;
}

/* Abbreviations read with a trailing period (the key is without it). */
static const text_abbr abbrs[] = {
    {"dr", "doctor", "drive", TEXT_ABBR_CONTEXT},
    {"st", "saint", "street", TEXT_ABBR_CONTEXT},
    {"ft", "fort", "feet", TEXT_ABBR_CONTEXT},
    {"mt", "mount", NULL, TEXT_ABBR_CAP},
    {"mr", "mister", NULL, TEXT_ABBR_CAP},
    {"mrs", "missus", NULL, TEXT_ABBR_CAP},
    {"ms", "miz", NULL, TEXT_ABBR_CAP},
    {"messrs", "messieurs", NULL, TEXT_ABBR_CAP},
    {"jr", "junior", NULL, TEXT_ABBR_CAP},
    {"sr", "senior", NULL, TEXT_ABBR_CAP},
    {"prof", "professor", NULL, TEXT_ABBR_CAP},
    {"gen", "general", NULL, TEXT_ABBR_CAP},
    {"gov", "governor", NULL, TEXT_ABBR_CAP},
    {"sen", "senator", NULL, TEXT_ABBR_CAP},
    {"rep", "representative", NULL, TEXT_ABBR_CAP},
    {"pres", "president", NULL, TEXT_ABBR_CAP},
    {"sgt", "sergeant", NULL, TEXT_ABBR_CAP},
    {"capt", "captain", NULL, TEXT_ABBR_CAP},
    {"lt", "lieutenant", NULL, TEXT_ABBR_CAP},
    {"col", "colonel", NULL, TEXT_ABBR_CAP},
    {"cpl", "corporal", NULL, TEXT_ABBR_CAP},
    {"adm", "admiral", NULL, TEXT_ABBR_CAP},
    {"rev", "reverend", NULL, TEXT_ABBR_CAP},
    {"hon", "honorable", NULL, TEXT_ABBR_CAP},
    {"inc", "incorporated", NULL, TEXT_ABBR_CAP},
    {"ltd", "limited", NULL, TEXT_ABBR_CAP},
    {"corp", "corporation", NULL, TEXT_ABBR_CAP},
    {"co", "company", NULL, TEXT_ABBR_CAP},
    {"bros", "brothers", NULL, TEXT_ABBR_CAP},
    {"assn", "association", NULL, 0},
    {"dept", "department", NULL, 0},
    {"univ", "university", NULL, 0},
    {"ave", "avenue", NULL, TEXT_ABBR_CAP},
    {"blvd", "boulevard", NULL, TEXT_ABBR_CAP},
    {"rd", "road", NULL, TEXT_ABBR_CAP},
    {"ln", "lane", NULL, TEXT_ABBR_CAP},
    {"hwy", "highway", NULL, TEXT_ABBR_CAP},
    {"pkwy", "parkway", NULL, TEXT_ABBR_CAP},
    {"ct", "court", NULL, TEXT_ABBR_CAP},
    {"pl", "place", NULL, TEXT_ABBR_CAP},
    {"cir", "circle", NULL, TEXT_ABBR_CAP},
    {"sq", "square", NULL, TEXT_ABBR_CAP},
    {"ste", "suite", NULL, TEXT_ABBR_CAP},
    {"apt", "apartment", NULL, 0},
    {"rte", "route", NULL, TEXT_ABBR_CAP},
    {"wm", "william", NULL, TEXT_ABBR_CAP},
    {"jos", "joseph", NULL, TEXT_ABBR_CAP},
    {"chas", "charles", NULL, TEXT_ABBR_CAP},
    {"thos", "thomas", NULL, TEXT_ABBR_CAP},
    {"fr", "father", NULL, TEXT_ABBR_CAP},
    {"rm", "room", NULL, TEXT_ABBR_CAP},
    {"bldg", "building", NULL, 0},
    {"fig", "figure", NULL, 0},
    {"art", "article", NULL, TEXT_ABBR_BEFORE_NUM},
    {"para", "paragraph", NULL, TEXT_ABBR_BEFORE_NUM},
    {"paras", "paragraphs", NULL, TEXT_ABBR_BEFORE_NUM},
    {"vol", "volume", NULL, 0},
    {"ch", "chapter", NULL, TEXT_ABBR_BEFORE_NUM},
    {"no", "number", NULL, TEXT_ABBR_BEFORE_NUM},
    {"nos", "numbers", NULL, TEXT_ABBR_BEFORE_NUM},
    {"pp", "pages", NULL, TEXT_ABBR_BEFORE_NUM},
    {"p", "page", NULL, TEXT_ABBR_BEFORE_NUM},
    {"vs", "versus", NULL, 0},
    {"v", "versus", NULL, TEXT_ABBR_LOWER},
    {"etc", "et cetera", NULL, 0},
    {"cf", "compare", NULL, 0},
    {"al", "al", NULL, TEXT_ABBR_AFTER_ET},
    {"approx", "approximately", NULL, 0},
    {"c", "circa", NULL, TEXT_ABBR_BEFORE_NUM},
    {"ca", "circa", NULL, TEXT_ABBR_BEFORE_NUM},
    {"ext", "extension", NULL, TEXT_ABBR_BEFORE_NUM},
    {"est", "established", NULL, TEXT_ABBR_BEFORE_NUM}, /* Est. 1990, est. 1990 */
    {"govt", "government", NULL, 0},
    {"intl", "international", NULL, 0},
    {"natl", "national", NULL, 0},
    {"misc", "miscellaneous", NULL, 0},
    {"min", "minutes", "minute", TEXT_ABBR_AFTER_NUM},
    {"mins", "minutes", NULL, TEXT_ABBR_AFTER_NUM},
    {"hr", "hours", "hour", TEXT_ABBR_AFTER_NUM},
    {"hrs", "hours", NULL, TEXT_ABBR_AFTER_NUM},
    {"sec", "seconds", "second", TEXT_ABBR_AFTER_NUM},
    {"yr", "years", "year", TEXT_ABBR_AFTER_NUM},
    {"yrs", "years", NULL, TEXT_ABBR_AFTER_NUM},
    {"oz", "ounces", "ounce", TEXT_ABBR_AFTER_NUM},
    {"lb", "pounds", "pound", TEXT_ABBR_AFTER_NUM},
    {"lbs", "pounds", NULL, TEXT_ABBR_AFTER_NUM},
    {"in", "inches", "inch", TEXT_ABBR_AFTER_NUM},
    {"mi", "miles", "mile", TEXT_ABBR_AFTER_NUM},
    {"jan", "january", NULL, TEXT_ABBR_CAP},
    {"feb", "february", NULL, TEXT_ABBR_CAP},
    {"mar", "march", NULL, TEXT_ABBR_CAP},
    {"apr", "april", NULL, TEXT_ABBR_CAP},
    {"jun", "june", NULL, TEXT_ABBR_CAP},
    {"jul", "july", NULL, TEXT_ABBR_CAP},
    {"aug", "august", NULL, TEXT_ABBR_CAP},
    {"sep", "september", NULL, TEXT_ABBR_CAP},
    {"sept", "september", NULL, TEXT_ABBR_CAP},
    {"oct", "october", NULL, TEXT_ABBR_CAP},
    {"nov", "november", NULL, TEXT_ABBR_CAP},
    {"dec", "december", NULL, TEXT_ABBR_CAP},
    {"mon", "monday", NULL, TEXT_ABBR_CAP},
    {"tue", "tuesday", NULL, TEXT_ABBR_CAP},
    {"tues", "tuesday", NULL, TEXT_ABBR_CAP},
    {"wed", "wednesday", NULL, TEXT_ABBR_CAP},
    {"thu", "thursday", NULL, TEXT_ABBR_CAP},
    {"thurs", "thursday", NULL, TEXT_ABBR_CAP},
    {"fri", "friday", NULL, TEXT_ABBR_CAP},
};

const text_abbr *text_abbr_find(const char *s, size_t n) {
  if (n == 0) return NULL;
  for (size_t i = 0; i < sizeof abbrs / sizeof abbrs[0]; i++)
    if (abbrs[i].key[0] == (s[0] | 0x20) && strlen(abbrs[i].key) == n &&
        strncasecmp(abbrs[i].key, s, n) == 0)
      return &abbrs[i];
  return NULL;
}

const char *text_kind_name(unsigned kind) {
  static const char *const names[TEXT_KIND_COUNT] = {
      "word", "punctuation", "symbol", "cardinal", "ordinal", "year",
      "fraction", "percent", "money", "time", "date", "measure", "range",
      "telephone", "digits", "abbreviation", "initialism", "acronym",
      "roman", "url", "email"};
  return kind < TEXT_KIND_COUNT ? names[kind] : "unknown";
}

const char *text_strerror(int err) {
  switch (err) {
  case TEXT_OK: return "ok";
  case TEXT_EUTF8: return "text is not valid UTF-8";
  case TEXT_ENUL: return "text contains a NUL character";
  case TEXT_ETOOLONG: return "text too long";
  case TEXT_ETOKENS: return "too many tokens in text";
  case TEXT_EWORDS: return "too many spoken words in text";
  case TEXT_EINVAL: return "invalid argument";
  case TEXT_ENOMEM: return "out of memory";
  default: return "unknown text error";
  }
}
