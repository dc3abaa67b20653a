// Fitting a notice's text into ONE SMS: GSM 03.38 (3GPP TS 23.038) 7-bit text
// up to 160 septets, else UCS-2 up to 70 UTF-16 units. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace baraza::outreach {

constexpr size_t kGsm7Limit = 160;  // septets in one message
constexpr size_t kUcs2Limit = 70;   // UTF-16 code units in one message

// Whether every character is in the GSM 03.38 default alphabet or its extension
// table (^ { } \ [ ] ~ | € and form feed). Strict: "ç", "ê", "â", "œ" and "…" are
// not in it (only capital "Ç" is), so French text with them needs UCS-2. False
// for invalid UTF-8.
bool IsGsm7(std::string_view utf8);

// The size of the text in the encoding it will be sent in: septets when IsGsm7
// (an extension character counts 2), else UTF-16 code units (a character beyond
// U+FFFF, such as most emoji, counts 2). An invalid UTF-8 byte counts as U+FFFD.
size_t SmsUnits(std::string_view utf8);

// The text itself when it fits one message; otherwise cut at a character
// boundary (never inside a UTF-8 sequence or a surrogate pair, and not right
// after a zero-width joiner) so that it fits with an ending that says it was
// cut: "…" for UCS-2 text, and "..." for GSM-7 text, since "…" is not in GSM-7
// and would turn the whole message into UCS-2 (70 characters). Invalid UTF-8 is
// replaced by U+FFFD, so the result is always valid UTF-8.
std::string FitSms(std::string_view utf8);

}  // namespace baraza::outreach
