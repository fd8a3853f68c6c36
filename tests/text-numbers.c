/* text-numbers.c -- the number verbalizers, class by class: cardinals and
 * decimals, ordinals, years and decades, fractions, percentages, ranges,
 * telephone numbers and digits in identifiers. Readings are those of a
 * careful US English reader, written from the rules (doc/text.md). */
#include <stdlib.h>

#include "tests/text-cases.h"

#define C TEXT_KIND_CARDINAL
static const text_case cardinals[] = {
    {"0", "zero", C},
    {"7", "seven", C},
    {"13", "thirteen", C},
    {"42", "forty two", C},
    {"100", "one hundred", C},
    {"101", "one hundred one", C},
    {"999", "nine hundred ninety nine", C},
    {"1,000", "one thousand", C},
    {"1,234", "one thousand two hundred thirty four", C},
    {"12,345", "twelve thousand three hundred forty five", C},
    {"1,000,000", "one million", C},
    {"2,500,001", "two million five hundred thousand one", C},
    {"-5", "minus five", C},
    {"+3", "plus three", C},
    {"3.14", "three point one four", C},
    {"0.5", "zero point five", C},
    {".5", "point five", C},
    {"-2.75", "minus two point seven five", C},
    {"1.5 million", "one point five million", C},
    {"3 billion", "three billion", C},
    {"10,000,000,000", "ten billion", C},
    {"I have 3 cats.", "i have three cats", TEXT_KIND_WORD},
    {"#1", "number one", C},
    {"1.50", "one point five zero", C},
};

#define O TEXT_KIND_ORDINAL
static const text_case ordinals[] = {
    {"1st", "first", O},
    {"2nd", "second", O},
    {"3rd", "third", O},
    {"4th", "fourth", O},
    {"5th", "fifth", O},
    {"8th", "eighth", O},
    {"9th", "ninth", O},
    {"11th", "eleventh", O},
    {"12th", "twelfth", O},
    {"13th", "thirteenth", O},
    {"20th", "twentieth", O},
    {"21st", "twenty first", O},
    {"22nd", "twenty second", O},
    {"23rd", "twenty third", O},
    {"30th", "thirtieth", O},
    {"40th", "fortieth", O},
    {"99th", "ninety ninth", O},
    {"100th", "one hundredth", O},
    {"101st", "one hundred first", O},
    {"1,000th", "one thousandth", O},
    {"the 21ST century", "the twenty first century", TEXT_KIND_WORD},
    {"52nd", "fifty second", O},
};

#define Y TEXT_KIND_YEAR
static const text_case years[] = {
    {"1984", "nineteen eighty four", Y},
    {"in 1999", "in nineteen ninety nine", TEXT_KIND_WORD},
    {"2008", "two thousand eight", Y},
    {"2000", "two thousand", Y},
    {"2001", "two thousand one", Y},
    {"2010", "twenty ten", Y},
    {"2021", "twenty twenty one", Y},
    {"1900", "nineteen hundred", Y},
    {"1905", "nineteen oh five", Y},
    {"1776", "seventeen seventy six", Y},
    {"1066", "one thousand sixty six", C},
    {"since 1492", "since fourteen ninety two", TEXT_KIND_WORD},
    {"1900s", "nineteen hundreds", Y},
    {"1990s", "nineteen nineties", Y},
    {"1960s", "nineteen sixties", Y},
    {"2000s", "two thousands", Y},
    {"2010s", "twenty tens", Y},
    {"'90s", "nineties", Y},
    {"'60s", "sixties", Y},
    {"'08", "oh eight", Y},
    {"the class of '99", "the class of ninety nine", TEXT_KIND_WORD},
    {"'00", "two thousand", Y},
    {"80s", "eighties", Y},
    {"1980's", "nineteen eighties", Y},
    {"In 2019, sales rose.", "in twenty nineteen sales rose", TEXT_KIND_WORD},
    {"1500 people", "one thousand five hundred people", C},
    {"the year 1066", "the year ten sixty six", TEXT_KIND_WORD},
};

#define F TEXT_KIND_FRACTION
static const text_case fractions[] = {
    {"1/2", "one half", F},
    {"1/3", "one third", F},
    {"2/3", "two thirds", F},
    {"1/4", "one quarter", F},
    {"3/4", "three quarters", F},
    {"1/5", "one fifth", F},
    {"4/5", "four fifths", F},
    {"1/8", "one eighth", F},
    {"5/8", "five eighths", F},
    {"7/16", "seven sixteenths", F},
    {"1/10", "one tenth", F},
    {"9/10", "nine tenths", F},
    {"3/2", "three halves", F},
    {"1/100", "one one hundredth", F},
    {"1 1/2", "one and one half", F},
    {"2 3/4", "two and three quarters", F},
    {"\xc2\xbd", "one half", F},
    {"\xc2\xbe", "three quarters", F},
    {"\xe2\x85\x93", "one third", F},
    {"1\xe2\x81\x84" "2", "one half", F},
    {"add 1/2 cup", "add one half cup", TEXT_KIND_WORD},
    {"1/12", "one twelfth", F},
};

#define PC TEXT_KIND_PERCENT
static const text_case percents[] = {
    {"5%", "five percent", PC},
    {"50%", "fifty percent", PC},
    {"100%", "one hundred percent", PC},
    {"0%", "zero percent", PC},
    {"3.5%", "three point five percent", PC},
    {"0.1%", "zero point one percent", PC},
    {"-2%", "minus two percent", PC},
    {"12%,", "twelve percent", PC},
    {"(7%)", "seven percent", PC},
    {"99.9%", "ninety nine point nine percent", PC},
    {"1,000%", "one thousand percent", PC},
    {"10-20%", "ten to twenty percent", PC},
    {"25 %", "twenty five percent", PC},
    {"rose 4%.", "rose four percent", TEXT_KIND_WORD},
    {"33%", "thirty three percent", PC},
    {"1%", "one percent", PC},
    {"75%", "seventy five percent", PC},
    {"2.25%", "two point two five percent", PC},
    {"a 6% rise", "a six percent rise", TEXT_KIND_WORD},
    {"90%?", "ninety percent", PC},
};

#define R TEXT_KIND_RANGE
static const text_case ranges[] = {
    {"1990-1995", "nineteen ninety to nineteen ninety five", R},
    {"2000-2010", "two thousand to twenty ten", R},
    {"1939-1945", "nineteen thirty nine to nineteen forty five", R},
    {"1990-95", "nineteen ninety to ninety five", R},
    {"10-20", "ten to twenty", R},
    {"pages 10-20", "pages ten to twenty", TEXT_KIND_WORD},
    {"3-5", "three to five", R},
    {"1-2", "one to two", R},
    {"100-200", "one hundred to two hundred", R},
    {"5-10", "five to ten", R},
    {"1.5-2.5", "one point five to two point five", R},
    {"20-30", "twenty to thirty", R},
    {"1,000-2,000", "one thousand to two thousand", R},
    {"9-5", "nine to five", R},
    {"1914\xe2\x80\x93" "1918", "nineteen fourteen to nineteen eighteen", R},
    {"10\xe2\x80\x93" "15", "ten to fifteen", R},
    {"ages 3-7", "ages three to seven", TEXT_KIND_WORD},
    {"2-1", "two to one", R},
    {"a 50-50 split", "a fifty fifty split", TEXT_KIND_WORD},
    {"2-2", "two two", R},
    {"40-50", "forty to fifty", R},
    {"1800-1850", "eighteen hundred to eighteen fifty", R},
};

#define T TEXT_KIND_TELEPHONE
static const text_case phones[] = {
    {"555-1234", "five five five one two three four", T},
    {"555-555-1234", "five five five five five five one two three four", T},
    {"(555) 555-1234", "five five five five five five one two three four", T},
    {"1-800-555-1234", "one eight hundred five five five one two three four", T},
    {"1-888-555-0000", "one eight eight eight five five five zero zero zero zero", T},
    {"212-555-0199", "two one two five five five zero one nine nine", T},
    {"555.555.1234", "five five five five five five one two three four", T},
    {"555 123 4567", "five five five one two three four five six seven", T},
    {"713/853-5025", "seven one three eight five three five zero two five", T},
    {"+919819602175", "plus nine one nine eight one nine six zero two one seven five", T},
    {"365/2024", "three hundred sixty five two thousand twenty fourths", TEXT_KIND_FRACTION},
    {"1 800 555 1234", "one eight hundred five five five one two three four", T},
    {"020 7946 0958", "zero two zero seven nine four six zero nine five eight", T},
    {"07911 123456", "zero seven nine one one one two three four five six", T},
    {"555-123-4567 x89", "five five five one two three four five six seven extension eight nine",
     T},
    {"in 2020 100 people", "in twenty twenty one hundred people", TEXT_KIND_WORD},
    {"100 200 300 400", "one hundred two hundred three hundred four hundred",
     TEXT_KIND_CARDINAL},
    {"box x89", "box x. eighty nine", TEXT_KIND_WORD},
    {"867-5309", "eight six seven five three zero nine", T},
    {"call 555-0100", "call five five five zero one zero zero", TEXT_KIND_WORD},
    {"(212) 555-0123", "two one two five five five zero one two three", T},
    {"303-555-7788", "three zero three five five five seven seven eight eight", T},
    {"1-212-555-0123", "one two one two five five five zero one two three", T},
    {"999-9999", "nine nine nine nine nine nine nine", T},
    {"415-555-2671", "four one five five five five two six seven one", T},
    {"555-4321.", "five five five four three two one", T},
    {"(800) 555-0000", "eight zero zero five five five zero zero zero zero", T},
    {"617-555-1000", "six one seven five five five one zero zero zero", T},
    {"123-4567", "one two three four five six seven", T},
    {"202-555-0147", "two zero two five five five zero one four seven", T},
    {"1-877-555-1212", "one eight seven seven five five five one two one two", T},
    {"+44 20 7946 0958", "plus four four two zero seven nine four six zero nine five eight", T},
    {"+1 800 555 0199", "plus one eight hundred five five five zero one nine nine", T},
    {"+1-800-555-0199", "plus one eight hundred five five five zero one nine nine", T},
    {"+33 1 23 45 67 89", "plus three three one two three four five six seven eight nine", T},
    {"+49 30 12345678", "plus four nine three zero one two three four five six seven eight", T},
    {"+1 212-555-0123", "plus one two one two five five five zero one two three", T},
    {"call +44 20 7946 0958.", "call plus four four two zero seven nine four six zero nine five eight",
     TEXT_KIND_WORD},
    {"+5 10", "plus five ten", TEXT_KIND_CARDINAL},
    {"+44 20 cats", "plus forty four twenty cats", TEXT_KIND_CARDINAL},
};

#define D TEXT_KIND_DIGITS
static const text_case idents[] = {
    {"Route 66", "route sixty six", TEXT_KIND_WORD},
    {"Boeing 747", "boeing seven forty seven", TEXT_KIND_WORD},
    {"Boeing's 737 jets", "boeing's seven thirty seven jets", TEXT_KIND_WORD},
    {"Xbox 360", "xbox three sixty", TEXT_KIND_WORD},
    {"a D7000 camera", "a d. seven thousand camera", TEXT_KIND_WORD},
    {"FY05", "f. y. oh five", TEXT_KIND_DIGITS},
    {"1,000s of fans", "thousands of fans", TEXT_KIND_CARDINAL},
    {"100s of cars", "hundreds of cars", TEXT_KIND_CARDINAL},
    {"10,000s", "tens of thousands", TEXT_KIND_CARDINAL},
    {"the 1900s", "the nineteen hundreds", TEXT_KIND_WORD},
    {"a 1000-page book", "a one thousand page book", TEXT_KIND_WORD},
    {"a 1990-era car", "a nineteen ninety era car", TEXT_KIND_WORD},
    {"by mid-2004", "by mid two thousand four", TEXT_KIND_WORD},
    {"post-1990", "post nineteen ninety", TEXT_KIND_DIGITS},
    {"a 10,000-strong crowd", "a ten thousand strong crowd", TEXT_KIND_WORD},
    {"a 24-hour store", "a twenty four hour store", TEXT_KIND_WORD},
    {"1.2m people", "one point two million people", TEXT_KIND_CARDINAL},
    {"a 1.2m wall", "a one point two meters wall", TEXT_KIND_WORD},
    {"1\xc2\xbd cups", "one and one half cups", TEXT_KIND_FRACTION},
    {"2\xc2\xbe miles", "two and three quarters miles", TEXT_KIND_FRACTION},
    {"Nikkei 225", "nikkei two twenty five", TEXT_KIND_WORD},
    {"Office 365", "office three sixty five", TEXT_KIND_WORD},
    {"the office 365 days", "the office three hundred sixty five days", TEXT_KIND_WORD},
    {"Room 101", "room one oh one", TEXT_KIND_WORD},
    {"Flight 370", "flight three seventy", TEXT_KIND_WORD},
    {"Highway 1", "highway one", TEXT_KIND_WORD},
    {"Interstate 95", "interstate ninety five", TEXT_KIND_WORD},
    {"Room 1204", "room twelve oh four", TEXT_KIND_WORD},
    {"Suite 300", "suite three hundred", TEXT_KIND_WORD},
    {"A380", "a. three eighty", D},
    {"MP3", "m. p. three", D},
    {"F-16", "f. sixteen", D},
    {"B2B", "b. two b.", D},
    {"3D", "three d.", D},
    {"4K", "four k.", D},
    {"COVID-19", "covid nineteen", D},
    {"R2-D2", "r. two d. two", D},
    {"007", "zero zero seven", D},
    {"G7", "g. seven", D},
    {"Windows 10", "windows ten", TEXT_KIND_WORD},
    {"Gate 12", "gate twelve", TEXT_KIND_WORD},
    {"Channel 4", "channel four", TEXT_KIND_WORD},
    {"PS5", "p. s. five", D},
    {"1st-grade", "first grade", D},
    {"4s", "fours", D},
    {"size 10s", "size tens", TEXT_KIND_WORD},
    {"49ers", "forty niners", D},
    {"76ers", "seventy sixers", D},
    {"call 911", "call nine one one", TEXT_KIND_WORD},
    {"411", "four one one", D},
    {"911 calls", "nine one one calls", D},
    {"911 people", "nine hundred eleven people", C},
    {"page 411", "page four hundred eleven", TEXT_KIND_WORD},
    {"Springfield, IL 62704", "springfield illinois six two seven zero four", TEXT_KIND_WORD},
    {"NY 10001-1234", "new york one zero zero zero one one two three four", TEXT_KIND_ABBREVIATION},
    {"OR 97201", "oregon nine seven two zero one", TEXT_KIND_ABBREVIATION},
    {"or 97201", "or ninety seven thousand two hundred one", TEXT_KIND_WORD},
};

CASES_TEST(cardinals)
CASES_TEST(ordinals)
CASES_TEST(years)
CASES_TEST(fractions)
CASES_TEST(percents)
CASES_TEST(ranges)
CASES_TEST(phones)
CASES_TEST(idents)

int main(void) {
  Suite *s = suite_create("text-numbers");
  TCase *tc = tcase_create("numbers");
  tcase_add_test(tc, t_cardinals);
  tcase_add_test(tc, t_ordinals);
  tcase_add_test(tc, t_years);
  tcase_add_test(tc, t_fractions);
  tcase_add_test(tc, t_percents);
  tcase_add_test(tc, t_ranges);
  tcase_add_test(tc, t_phones);
  tcase_add_test(tc, t_idents);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
