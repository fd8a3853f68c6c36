/* text-classes.c -- the other verbalizers, class by class: money, times,
 * dates, measures, abbreviations in context, initialisms and acronyms,
 * Roman numerals, words (possessives, contractions, compounds, case,
 * Unicode folding), URLs and e-mail, symbols and punctuation. Readings are
 * those of a careful US English reader, written from the rules. */
#include <stdlib.h>

#include "tests/text-cases.h"

#define M TEXT_KIND_MONEY
static const text_case money[] = {
    {"$3.50", "three dollars and fifty cents", M},
    {"$1", "one dollar", M},
    {"$1.01", "one dollar and one cent", M},
    {"$0.99", "ninety nine cents", M},
    {"$20", "twenty dollars", M},
    {"$100", "one hundred dollars", M},
    {"$1,000", "one thousand dollars", M},
    {"$2.00", "two dollars", M},
    {"$1.2 billion", "one point two billion dollars", M},
    {"$3 million", "three million dollars", M},
    {"$5M", "five million dollars", M},
    {"$10k", "ten thousand dollars", M},
    {"\xc2\xa3" "20", "twenty pounds", M},
    {"\xc2\xa3" "1", "one pound", M},
    {"\xe2\x82\xac" "5", "five euros", M},
    {"\xe2\x82\xac" "1", "one euro", M},
    {"\xc2\xa5" "100", "one hundred yen", M},
    {"5\xc2\xa2", "five cents", M},
    {"1\xc2\xa2", "one cent", M},
    {"It costs $4.25.", "it costs four dollars and twenty five cents", TEXT_KIND_WORD},
    {"$0.01", "one cent", M},
    {"$7.5", "seven dollars and fifty cents", M},
    {"$5-10", "five to ten dollars", M},
    {"$5-$10", "five to ten dollars", M},
    {"$0-$1", "zero to one dollar", M},
    {"$5.50-$6", "five dollars and fifty cents to six dollars", M},
    {"$19.99/month", "nineteen dollars and ninety nine cents per month", M},
    {"$5/person", "five dollars per person", M},
    {"$3/ea", "three dollars each", M},
};

#define TM TEXT_KIND_TIME
static const text_case times[] = {
    {"3:30", "three thirty", TM},
    {"10:05", "ten oh five", TM},
    {"3:00", "three o'clock", TM},
    {"8:15 PM EST", "eight fifteen p. m. e. s. t.", TM},
    {"11:59:59 p.m.", "eleven fifty nine and fifty nine seconds p. m.", TM},
    {"5:00:30", "five o'clock and thirty seconds", TM},
    {"12:30:75", "twelve thirty seventy five", -1},
    {"at 10:00 UTC.", "at ten o'clock u. t. c.", TEXT_KIND_WORD},
    {"at 2:30 p.m. ET", "at two thirty p. m. e. t.", TEXT_KIND_WORD},
    {"12:00", "twelve o'clock", TM},
    {"3:30 pm", "three thirty p. m.", TM},
    {"3:30 PM", "three thirty p. m.", TM},
    {"3:30pm", "three thirty p. m.", TM},
    {"7am", "seven a. m.", TM},
    {"7 a.m.", "seven a. m.", TM},
    {"11 p.m.", "eleven p. m.", TM},
    {"9:15 a.m.", "nine fifteen a. m.", TM},
    {"6:45", "six forty five", TM},
    {"12:30 am", "twelve thirty a. m.", TM},
    {"4:00 pm", "four p. m.", TM},
    {"1:01", "one oh one", TM},
    {"at 8:20", "at eight twenty", TEXT_KIND_WORD},
    {"23:59", "twenty three fifty nine", TM},
    {"10PM", "ten p. m.", TM},
    {"5:10 P.M.", "five ten p. m.", TM},
    {"noon or 2:15", "noon or two fifteen", TEXT_KIND_WORD},
    {"11:11", "eleven eleven", TM},
};

#define DT TEXT_KIND_DATE
static const text_case dates[] = {
    {"Jan. 5, 2021", "january fifth twenty twenty one", DT},
    {"January 5, 2021", "january fifth twenty twenty one", DT},
    {"January 5", "january fifth", DT},
    {"Dec. 25", "december twenty fifth", DT},
    {"March 3rd", "march third", DT},
    {"July 4, 1776", "july fourth seventeen seventy six", DT},
    {"Sept. 11, 2001", "september eleventh two thousand one", DT},
    {"May 1", "may first", DT},
    {"5 January 2021", "the fifth of january twenty twenty one", DT},
    {"1 May", "the first of may", DT},
    {"12/25/2020", "december twenty fifth twenty twenty", DT},
    {"1/1/2000", "january first two thousand", DT},
    {"7/4/1976", "july fourth nineteen seventy six", DT},
    {"2021-01-05", "january fifth twenty twenty one", DT},
    {"1999-12-31", "december thirty first nineteen ninety nine", DT},
    {"Feb. 29, 2020", "february twenty ninth twenty twenty", DT},
    {"on Oct. 31", "on october thirty first", TEXT_KIND_WORD},
    {"November 2020", "november twenty twenty", TEXT_KIND_WORD},
    {"Aug. 6", "august sixth", DT},
    {"June 21st, 2022", "june twenty first twenty twenty two", DT},
    {"10/10/10", "october tenth ten", DT},
    {"Jan 5", "january fifth", DT},
    {"Dec 25 2020", "december twenty fifth twenty twenty", DT},
    {"12.05.2021", "the twelfth of may twenty twenty one", DT},
    {"version 1.2.3", "version one point two point three", TEXT_KIND_WORD},
    {"Mon-Fri", "monday to friday", TEXT_KIND_RANGE},
    {"Saturday\xe2\x80\x93Sunday", "saturday to sunday", TEXT_KIND_RANGE},
    {"the Sun-Times", "the sun times", TEXT_KIND_WORD},
    {"1.5x faster", "one point five times faster", TEXT_KIND_CARDINAL},
    {"10x", "ten times", TEXT_KIND_CARDINAL},
};

#define MS TEXT_KIND_MEASURE
static const text_case measures[] = {
    {"5 km", "five kilometers", MS},
    {"1 km", "one kilometer", MS},
    {"5km", "five kilometers", MS},
    {"3 kg", "three kilograms", MS},
    {"2.5 kg", "two point five kilograms", MS},
    {"72\xc2\xb0" "F", "seventy two degrees fahrenheit", MS},
    {"20\xc2\xb0" "C", "twenty degrees celsius", MS},
    {"90\xc2\xb0", "ninety degrees", MS},
    {"6'2\"", "six feet two inches", MS},
    {"5'", "five feet", MS},
    {"12\"", "twelve inches", MS},
    {"10 lbs", "ten pounds", MS},
    {"150 lbs.", "one hundred fifty pounds", MS},
    {"8 oz", "eight ounces", MS},
    {"60 mph", "sixty miles per hour", MS},
    {"100m", "one hundred meters", MS},
    {"500 mg", "five hundred milligrams", MS},
    {"2 GB", "two gigabytes", MS},
    {"3.5 GHz", "three point five gigahertz", MS},
    {"1 mile", "one mile", TEXT_KIND_CARDINAL},
    {"30 cm", "thirty centimeters", MS},
    {"5 ft", "five feet", MS},
    {"1 ft", "one foot", MS},
    {"4 in.", "four inches", MS},
    {"3 doz. eggs", "three dozen eggs", MS},
    {"2 tbsp", "two tablespoons", MS},
    {"10 m/s", "ten meters per second", MS},
    {"5 km\xc2\xb2", "five square kilometers", MS},
    {"1 m\xc2\xb2", "one square meter", MS},
    {"2 m\xc2\xb3", "two cubic meters", MS},
    {"3 M3 cars", "three m. three cars", TEXT_KIND_CARDINAL},
    {"in the mid-1990s", "in the mid nineteen nineties", TEXT_KIND_WORD},
    {"1980s-era cars", "nineteen eighties era cars", TEXT_KIND_DIGITS},
    {"1 tsp", "one teaspoon", MS},
    {"up 12 pct", "up twelve percent", TEXT_KIND_WORD},
};

#define AB TEXT_KIND_ABBREVIATION
static const text_case abbrevs[] = {
    {"Dr. Smith", "doctor smith", AB},
    {"I met Dr. Jones.", "i met doctor jones", TEXT_KIND_WORD},
    {"Elm Dr.", "elm drive", TEXT_KIND_WORD},
    {"He lives on Mulholland Dr. now.", "he lives on mulholland drive now", TEXT_KIND_WORD},
    {"St. Louis", "saint louis", AB},
    {"Main St.", "main street", TEXT_KIND_WORD},
    {"at St. Mary's", "at saint mary's", TEXT_KIND_WORD},
    {"10 Downing St.", "ten downing street", TEXT_KIND_CARDINAL},
    {"Mr. Brown", "mister brown", AB},
    {"Mrs. Brown", "missus brown", AB},
    {"Ms. Green", "miz green", AB},
    {"Mr Brown", "mister brown", AB},
    {"cats vs. dogs", "cats versus dogs", TEXT_KIND_WORD},
    {"e.g. this", "for example this", AB},
    {"i.e. that", "that is that", AB},
    {"Acme Inc.", "acme incorporated", TEXT_KIND_WORD},
    {"No. 5", "number five", AB},
    {"no. 5", "number five", AB},
    {"Say no.", "say no", TEXT_KIND_WORD},
    {"apples, pears, etc.", "apples pears et cetera", TEXT_KIND_WORD},
    {"John Smith Jr.", "john smith junior", TEXT_KIND_WORD},
    {"Mt. Everest", "mount everest", AB},
    {"Ft. Worth", "fort worth", AB},
    {"Prof. Lee", "professor lee", AB},
    {"Gen. Grant", "general grant", AB},
    {"Fifth Ave.", "fifth avenue", TEXT_KIND_WORD},
    {"Sunset Blvd.", "sunset boulevard", TEXT_KIND_WORD},
    {"Apt. 4", "apartment four", AB},
    {"p. 10", "page ten", AB},
    {"Springfield, IL 62701", "springfield illinois six two seven zero one", TEXT_KIND_WORD},
    {"Washington, DC 20500", "washington d. c. two zero five zero zero", TEXT_KIND_WORD},
    {"open 24/7", "open twenty four seven", TEXT_KIND_WORD},
    {"after 9/11", "after nine eleven", TEXT_KIND_WORD},
    {"5/3", "five thirds", TEXT_KIND_FRACTION},
    {"the 2023/24 season", "the twenty twenty three twenty four season", TEXT_KIND_WORD},
    {"2008/09", "two thousand eight oh nine", TEXT_KIND_YEAR},
    {"the 747-400", "the seven forty seven four hundred", TEXT_KIND_WORD},
    {"a 218-212 vote", "a two hundred eighteen to two hundred twelve vote", TEXT_KIND_WORD},
    {"about 150M people", "about one hundred fifty million people", TEXT_KIND_WORD},
    {"1.5M", "one point five million", TEXT_KIND_CARDINAL},
    {"2.5bn", "two point five billion", TEXT_KIND_CARDINAL},
    {"3M", "three m.", -1},
    {"10 - 3 = 7", "ten minus three equals seven", TEXT_KIND_CARDINAL},
    {"6 * 7 = 42", "six times seven equals forty two", TEXT_KIND_CARDINAL},
    {"8 / 2 = 4", "eight divided by two equals four", TEXT_KIND_CARDINAL},
    {"3 x 4 = 12", "three times four equals twelve", TEXT_KIND_CARDINAL},
    {"pages 5 - 7", "pages five to seven", TEXT_KIND_WORD},
    {"a 2x4", "a two by four", TEXT_KIND_WORD},
    {"300-200 BC", "three hundred to two hundred b. c.", TEXT_KIND_RANGE},
    {"10-20", "ten to twenty", TEXT_KIND_RANGE},
    {"a 50/50 chance", "a fifty fifty chance", TEXT_KIND_WORD},
    {"born c. 1900", "born circa nineteen hundred", TEXT_KIND_WORD},
    {"ext. 89", "extension eighty nine", AB},
};

#define IN TEXT_KIND_INITIALISM
#define AC TEXT_KIND_ACRONYM
static const text_case initialisms[] = {
    {"CFO", "c. f. o.", IN},
    {"DNC", "d. n. c.", IN},
    {"CIA", "c. i. a.", IN},
    {"BBC", "b. b. c.", IN},
    {"USA", "u. s. a.", IN},
    {"US", "u. s.", IN},
    {"the US", "the u. s.", TEXT_KIND_WORD},
    {"U.S.", "u. s.", IN},
    {"U.K.", "u. k.", IN},
    {"Ph.D.", "p. h. d.", IN},
    {"NASA", "nasa", AC},
    {"NATO", "nato", AC},
    {"FBI", "fbi", AC},
    {"HTML", "html", IN},
    {"CDs", "c. d's.", IN},
    {"DVDs", "d. v. d's.", IN},
    {"the CEO's", "the c. e. o's.", TEXT_KIND_WORD},
    {"TV", "t. v.", IN},
    {"PDF", "p. d. f.", IN},
    {"J. Smith", "j. smith", IN},
    {"XYZ", "x. y. z.", IN},
    {"pwd", "p. w. d.", IN},
    {"UNESCO", "unesco", AC},
    {"FOMO", "fomo", AC},
    {"UCLA", "u. c. l. a.", IN},
    {"NCAA", "n. c. a. a.", IN},
};

#define RO TEXT_KIND_ROMAN
static const text_case romans[] = {
    {"World War II", "world war two", TEXT_KIND_WORD},
    {"World War I", "world war one", TEXT_KIND_WORD},
    {"Henry VIII", "henry the eighth", TEXT_KIND_WORD},
    {"Elizabeth II", "elizabeth the second", TEXT_KIND_WORD},
    {"Louis XIV", "louis the fourteenth", TEXT_KIND_WORD},
    {"Chapter IV", "chapter four", TEXT_KIND_WORD},
    {"Part III", "part three", TEXT_KIND_WORD},
    {"Volume XII", "volume twelve", TEXT_KIND_WORD},
    {"Super Bowl LV", "super bowl fifty five", TEXT_KIND_WORD},
    {"Act V", "act five", TEXT_KIND_WORD},
    {"Pope John Paul II", "pope john paul the second", TEXT_KIND_WORD},
    {"Richard III", "richard the third", TEXT_KIND_WORD},
    {"Charles V", "charles the fifth", TEXT_KIND_WORD},
    {"George VI", "george the sixth", TEXT_KIND_WORD},
    {"Apollo XI", "apollo eleven", TEXT_KIND_WORD},
    {"Title IX", "title nine", TEXT_KIND_WORD},
    {"I think", "i think", TEXT_KIND_WORD},
    {"Then I left", "then i left", TEXT_KIND_WORD},
    {"Ramesses II ruled", "ramesses the second ruled", TEXT_KIND_WORD},
    {"Phase II", "phase two", TEXT_KIND_WORD},
    {"Episode VI", "episode six", TEXT_KIND_WORD},
    {"Chapter MCMXCIV", "chapter one thousand nine hundred ninety four", TEXT_KIND_WORD},
    {"Part IIII", "part i. i. i. i.", TEXT_KIND_WORD},
    {"XXXIX", "thirty nine", RO},
    {"VIII.", "eight", RO},
    {"In MCMXCIV it rained", "in one thousand nine hundred ninety four it rained", TEXT_KIND_WORD},
    {"the DCCC", "the d. c. c. c.", TEXT_KIND_WORD},
    {"MCI", "m. c. i.", TEXT_KIND_INITIALISM},
    {"XXIIII", "xxiiii", TEXT_KIND_ACRONYM},
};

#define W TEXT_KIND_WORD
static const text_case words[] = {
    {"Hello,", "hello", W},
    {"John's", "john's", W},
    {"John\xe2\x80\x99s", "john's", W},
    {"don't", "don't", W},
    {"don\xe2\x80\x99t", "don't", W},
    {"o'clock", "o'clock", W},
    {"rock 'n' roll", "rock 'n roll", W},
    {"the students' books", "the students' books", W},
    {"state-of-the-art", "state of the art", W},
    {"x-ray", "x-ray", W},
    {"e-mail", "e-mail", W},
    {"na\xc3\xafve", "naive", W},
    {"caf\xc3\xa9", "cafe", W},
    {"r\xc3\xa9sum\xc3\xa9", "resume", W},
    {"Caf\xc3\xa9", "cafe", W},
    {"cafe\xcc\x81", "cafe", W},
    {"HELLO WORLD FROM THE MOON", "hello world from the moon", W},
    {"Hello World", "hello world", W},
    {"iPhone", "iphone", W},
    {"\xef\xbc\xa8\xef\xbd\x85\xef\xbd\x8c\xef\xbd\x8c\xef\xbd\x8f", "hello", W},
    {"\xef\xac\x81sh", "fish", W},
    {"well-known", "well known", W},
    {"nothin'", "nothin", W},
    {"'em", "'em", W},
    {"I'm", "i'm", W},
};

#define U TEXT_KIND_URL
#define EM TEXT_KIND_EMAIL
static const text_case urls[] = {
    {"example.com", "example dot com", U},
    {"www.example.com", "w. w. w. dot example dot com", U},
    {"https://example.org", "example dot org", U},
    {"http://example.com/", "example dot com", U},
    {"example.com/about", "example dot com slash about", U},
    {"google.com", "google dot com", U},
    {"wikipedia.org", "wikipedia dot org", U},
    {"user@example.org", "user at example dot org", EM},
    {"john.smith@example.com", "john dot smith at example dot com", EM},
    {"info@acme.io", "info at acme dot i. o.", EM},
    {"a.b@c.de", "a. dot b. at c. dot d. e.", EM},
    {"my-site.net", "my dash site dot net", U},
    {"news.bbc.co.uk", "news dot b. b. c. dot c. o. dot u. k.", U},
    {"Visit example.com.", "visit example dot com", W},
    {"mail me: bob@example.com", "mail me bob at example dot com", W},
    {"python.org", "python dot org", U},
    {"github.com/user", "github dot com slash user", U},
    {"shop.example.com", "shop dot example dot com", U},
    {"first_last@example.com", "first underscore last at example dot com", EM},
    {"example.edu", "example dot e. d. u.", U},
};

#define SY TEXT_KIND_SYMBOL
#define PU TEXT_KIND_PUNCT
static const text_case symbols[] = {
    {"&", "and", SY},
    {"+", "plus", SY},
    {"=", "equals", SY},
    {"@", "at", SY},
    {"%", "percent", SY},
    {"#", "number", SY},
    {"salt & pepper", "salt and pepper", W},
    {"AT&T", "a. t. and t.", TEXT_KIND_INITIALISM},
    {"R&D", "r. and d.", TEXT_KIND_INITIALISM},
    {"2 + 2 = 4", "two plus two equals four", TEXT_KIND_CARDINAL},
    {",", "", PU},
    {"...", "", PU},
    {"\xe2\x80\xa6", "", PU},
    {"\xe2\x80\x94", "", PU},
    {"--", "", PU},
    {"(", "", PU},
    {"\"", "", PU},
    {"?!", "", PU},
    {"Wait \xe2\x80\x94 what?", "wait what", W},
    {"\xc2\xa9", "copyright", SY},
    {"\xe2\x84\xa2", "trademark", SY},
    {"3 \xc3\x97 4", "three times four", TEXT_KIND_CARDINAL},
    {"*", "", PU},
    {"/", "", PU},
};

CASES_TEST(money)
CASES_TEST(times)
CASES_TEST(dates)
CASES_TEST(measures)
CASES_TEST(abbrevs)
CASES_TEST(initialisms)
CASES_TEST(romans)
CASES_TEST(words)
CASES_TEST(urls)
CASES_TEST(symbols)

int main(void) {
  Suite *s = suite_create("text-classes");
  TCase *tc = tcase_create("classes");
  tcase_add_test(tc, t_money);
  tcase_add_test(tc, t_times);
  tcase_add_test(tc, t_dates);
  tcase_add_test(tc, t_measures);
  tcase_add_test(tc, t_abbrevs);
  tcase_add_test(tc, t_initialisms);
  tcase_add_test(tc, t_romans);
  tcase_add_test(tc, t_words);
  tcase_add_test(tc, t_urls);
  tcase_add_test(tc, t_symbols);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
