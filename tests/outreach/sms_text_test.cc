#include "services/outreach/sms_text.h"

#include <catch2/catch.hpp>
#include <string>

namespace baraza::outreach {
namespace {

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Whether `s` is valid UTF-8 with no surrogate code point in it.
bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (int k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    if (len == 3 && b == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

}  // namespace

TEST_CASE("French with é è à ù and capital Ç is GSM-7") {
  CHECK(IsGsm7("Réunion à Kismayo: répondez avant le 12 déc. Où? Ça presse."));
  CHECK(IsGsm7("É"));  // É is in the table; È is not
  CHECK_FALSE(IsGsm7("È"));
  CHECK(IsGsm7("@ $ _ £ ¥ ¤ § ¿ ¡ Δ Ω ß Æ Ø Å Ñ Ü ö"));
}

TEST_CASE("French with ç ê â î ô œ is not GSM-7 and counts as UCS-2") {
  for (const char* s : {"garçon", "fenêtre", "château", "île", "hôtel", "œuvre", "…"}) {
    INFO(s);
    CHECK_FALSE(IsGsm7(s));
  }
  CHECK(SmsUnits("garçon") == 6);  // UTF-16 code units
}

TEST_CASE("the extension table counts two septets each") {
  CHECK(IsGsm7("[]{}~|^\\€"));
  CHECK(SmsUnits("[]") == 4);
  CHECK(SmsUnits("€5") == 3);
  CHECK(SmsUnits("plain") == 5);
  CHECK_FALSE(IsGsm7("`"));
  CHECK_FALSE(IsGsm7("tab\there"));
}

TEST_CASE("Arabic is UCS-2, one unit per letter") {
  CHECK_FALSE(IsGsm7("مرحبا"));
  CHECK(SmsUnits("مرحبا") == 5);
}

TEST_CASE("an emoji is a surrogate pair: two UCS-2 units") {
  CHECK_FALSE(IsGsm7("ok 😀"));
  CHECK(SmsUnits("😀") == 2);
  CHECK(SmsUnits("ok 😀") == 5);
}

TEST_CASE("a GSM-7 text that fits one message is returned as it is") {
  std::string s = Repeat("a", 156) + "€€";  // exactly 160 septets
  CHECK(SmsUnits(s) == 160);
  CHECK(FitSms(s) == s);
  CHECK(FitSms("") == "");
}

TEST_CASE("a GSM-7 text over 160 septets is cut to 160 and ends in three dots, staying GSM-7") {
  std::string cut = FitSms(Repeat("a", 161));
  CHECK(cut == Repeat("a", 157) + "...");
  CHECK(IsGsm7(cut));
  CHECK(SmsUnits(cut) == 160);
  // A two-septet character that would pass the limit is left out whole.
  std::string euro = FitSms(Repeat("a", 156) + "€€a");
  CHECK(euro == Repeat("a", 156) + "...");
}

TEST_CASE("an Arabic text over 70 units is cut to 70 ending in an ellipsis") {
  std::string cut = FitSms(Repeat("ع", 100));
  CHECK(cut == Repeat("ع", 69) + "…");
  CHECK(SmsUnits(cut) == 70);
  CHECK(ValidUtf8(cut));
}

TEST_CASE("one ç turns a long French text into UCS-2, cut at 70 units") {
  std::string text = "Le garçon " + Repeat("a", 100);
  std::string cut = FitSms(text);
  CHECK(SmsUnits(cut) == 70);
  CHECK(cut.substr(0, 11) == "Le garçon ");
  CHECK(cut.substr(cut.size() - 3) == "…");
}

TEST_CASE("an emoji is never cut in half") {
  // 68 + 2 + 2 = 72 units: the first emoji would end at 70, past the room of 69.
  CHECK(FitSms(Repeat("a", 68) + "😀😀") == Repeat("a", 68) + "…");
  // 67 + 2 = 69 units: the emoji fits whole before the ellipsis.
  CHECK(FitSms(Repeat("a", 67) + "😀bb") == Repeat("a", 67) + "😀…");
  // Not after a zero-width joiner (half of a family emoji).
  std::string zwj = Repeat("a", 66) + "👨\u200D👩\u200D👧";
  std::string cut = FitSms(zwj);
  CHECK(cut.find("\u200D…") == std::string::npos);
  CHECK(SmsUnits(cut) <= 70);
}

TEST_CASE("invalid UTF-8 is replaced, so the result is always valid") {
  CHECK_FALSE(IsGsm7("abc\xff"));
  CHECK(FitSms("abc\xff") == "abc\uFFFD");
  CHECK(FitSms("\xe2\x82") == "\uFFFD\uFFFD");  // a cut-off €
}

TEST_CASE("fitted text of every length fits, is valid UTF-8 and is fitted again unchanged") {
  const std::string pieces[] = {"é", "ç", "😀", "ع", "[", "a", " "};
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += pieces[i % 7];
    std::string fit = FitSms(text);
    INFO(i);
    REQUIRE(ValidUtf8(fit));
    REQUIRE(SmsUnits(fit) <= (IsGsm7(fit) ? kGsm7Limit : kUcs2Limit));
    REQUIRE(FitSms(fit) == fit);
    if (fit != text) REQUIRE((fit.ends_with("…") || fit.ends_with("...")));
  }
}

}  // namespace baraza::outreach
