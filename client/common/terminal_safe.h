// Keeping a person's terminal theirs: what the CLIs print comes partly from other
// parties (positions, reasons, names), so control characters are shown, not obeyed.
#pragma once

#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace baraza::cli {

// A filter in front of a stream's buffer: every C0 control but newline and tab,
// DEL, and the C1 controls as UTF-8 (U+0080..U+009F) are written as '?', so that
// no escape sequence in another party's text can clear, retitle or rewrite the
// reader's screen, or set its clipboard. Everything else passes unchanged.
class TerminalSafeBuf : public std::streambuf {
 public:
  explicit TerminalSafeBuf(std::streambuf* out) : out_(out) {}

 protected:
  int_type overflow(int_type ch) override;
  int sync() override;

 private:
  bool Put(unsigned char c);
  std::streambuf* out_;
  bool pending_c2_ = false;  // a 0xC2 whose next byte decides whether it is a C1 control
};

// `text` as TerminalSafeBuf writes it.
std::string TerminalSafe(std::string_view text);

// Puts the filter in front of std::cout and std::cerr, once, for the whole run.
void MakeStandardStreamsTerminalSafe();

}  // namespace baraza::cli
