#include "client/common/terminal_safe.h"

#include <iostream>
#include <sstream>

namespace baraza::cli {

bool TerminalSafeBuf::Put(unsigned char c) {
  return out_->sputc(static_cast<char>(c)) != traits_type::eof();
}

TerminalSafeBuf::int_type TerminalSafeBuf::overflow(int_type ch) {
  if (traits_type::eq_int_type(ch, traits_type::eof())) return traits_type::not_eof(ch);
  auto c = static_cast<unsigned char>(traits_type::to_char_type(ch));
  bool ok = true;
  if (pending_c2_) {
    pending_c2_ = false;
    if (c >= 0x80 && c <= 0x9F) return Put('?') ? ch : traits_type::eof();  // a C1 control
    ok = Put(0xC2);
  }
  if (c == 0xC2) {
    pending_c2_ = true;
  } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
    ok = ok && Put('?');
  } else {
    ok = ok && Put(c);
  }
  return ok ? ch : traits_type::eof();
}

int TerminalSafeBuf::sync() {
  if (pending_c2_) {  // a lone 0xC2 at a flush: not a control, pass it on
    pending_c2_ = false;
    Put(0xC2);
  }
  return out_->pubsync();
}

std::string TerminalSafe(std::string_view text) {
  std::ostringstream out;
  TerminalSafeBuf buf(out.rdbuf());
  std::ostream safe(&buf);
  safe << text << std::flush;
  return out.str();
}

void MakeStandardStreamsTerminalSafe() {
  static TerminalSafeBuf out(std::cout.rdbuf()), err(std::cerr.rdbuf());
  static bool done = false;
  if (done) return;
  done = true;
  std::cout.rdbuf(&out);
  std::cerr.rdbuf(&err);
}

}  // namespace baraza::cli
