#include "services/outreach/sms_text.h"

#include <cstdint>
#include <vector>

namespace baraza::outreach {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes UTF-8 to code points; an invalid or overlong sequence, a surrogate or
// a value past U+10FFFF becomes U+FFFD for one byte. Sets *valid to false then.
std::vector<char32_t> Decode(std::string_view s, bool* valid) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  *valid = true;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      unsigned char c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    static const char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    ok = ok && cp >= kMin[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!ok) {
      out.push_back(kReplacement);
      *valid = false;
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<size_t>(len);
  }
  return out;
}

void Encode(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Septets a code point takes in GSM-7: 1 in the default alphabet, 2 in the
// extension table (escape + code), 0 when it cannot be written in GSM-7.
int GsmSeptets(char32_t cp) {
  if (cp < 0x80) {
    if (cp == '\n' || cp == '\r') return 1;
    if (cp == '\f') return 2;
    if (cp < 0x20 || cp == 0x7F || cp == '`') return 0;
    if (cp == '^' || cp == '{' || cp == '}' || cp == '\\' || cp == '[' || cp == ']' || cp == '~' ||
        cp == '|')
      return 2;
    return 1;  // the rest of printable ASCII, including @ $ _
  }
  // The non-ASCII characters of the default alphabet (TS 23.038 §6.2.1).
  static constexpr char32_t kBasic[] = {
      0x00A3, 0x00A5, 0x00E8, 0x00E9, 0x00F9, 0x00EC, 0x00F2, 0x00C7,  // £ ¥ è é ù ì ò Ç
      0x00D8, 0x00F8, 0x00C5, 0x00E5, 0x0394, 0x03A6, 0x0393, 0x039B,  // Ø ø Å å Δ Φ Γ Λ
      0x03A9, 0x03A0, 0x03A8, 0x03A3, 0x0398, 0x039E, 0x00C6, 0x00E6,  // Ω Π Ψ Σ Θ Ξ Æ æ
      0x00DF, 0x00C9, 0x00A4, 0x00A1, 0x00C4, 0x00D6, 0x00D1, 0x00DC,  // ß É ¤ ¡ Ä Ö Ñ Ü
      0x00A7, 0x00BF, 0x00E4, 0x00F6, 0x00F1, 0x00FC, 0x00E0};         // § ¿ ä ö ñ ü à
  for (char32_t b : kBasic)
    if (cp == b) return 1;
  if (cp == 0x20AC) return 2;  // €
  return 0;
}

bool AllGsm(const std::vector<char32_t>& cps) {
  for (char32_t cp : cps)
    if (GsmSeptets(cp) == 0) return false;
  return true;
}

size_t Units(char32_t cp, bool gsm) {
  if (gsm) return static_cast<size_t>(GsmSeptets(cp));
  return cp > 0xFFFF ? 2 : 1;
}

}  // namespace

bool IsGsm7(std::string_view utf8) {
  bool valid = true;
  auto cps = Decode(utf8, &valid);
  return valid && AllGsm(cps);
}

size_t SmsUnits(std::string_view utf8) {
  bool valid = true;
  auto cps = Decode(utf8, &valid);
  bool gsm = valid && AllGsm(cps);
  size_t n = 0;
  for (char32_t cp : cps) n += Units(cp, gsm);
  return n;
}

std::string FitSms(std::string_view utf8) {
  bool valid = true;
  auto cps = Decode(utf8, &valid);
  bool gsm = valid && AllGsm(cps);
  size_t limit = gsm ? kGsm7Limit : kUcs2Limit;
  size_t total = 0;
  for (char32_t cp : cps) total += Units(cp, gsm);
  std::string out;
  if (total <= limit) {
    for (char32_t cp : cps) Encode(cp, out);
    return out;
  }
  // GSM-7 ends in "..." (3 septets); UCS-2 in "…" (1 unit).
  const std::string_view ending = gsm ? "..." : "\u2026";
  size_t room = limit - (gsm ? 3 : 1), used = 0, keep = 0;
  while (keep < cps.size() && used + Units(cps[keep], gsm) <= room) used += Units(cps[keep++], gsm);
  // Not after a joiner, nor before a variation selector or skin tone that
  // belongs to the kept character: both would leave half an emoji.
  auto modifies = [](char32_t cp) {
    return (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0x1F3FB && cp <= 0x1F3FF) || cp == 0x20E3;
  };
  while (keep > 0 && (cps[keep - 1] == 0x200D || (keep < cps.size() && modifies(cps[keep])))) --keep;
  // No space or line break right before the ending.
  while (keep > 0 && (cps[keep - 1] == ' ' || cps[keep - 1] == '\n' || cps[keep - 1] == '\r')) --keep;
  for (size_t i = 0; i < keep; ++i) Encode(cps[i], out);
  out += ending;
  return out;
}

}  // namespace baraza::outreach
