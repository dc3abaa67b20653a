// Feeds arbitrary bytes to the decoder of stored cases: it must refuse what it
// cannot read with a status, never crash, and whatever it accepts must survive
// an encode/decode round trip unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "services/workflow/case_machine.h"
#include "storage/case_codec.h"

using namespace baraza;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto c = codec::DecodeCase(text);
  if (!c.ok()) {
    if (c.status().message().empty()) std::abort();
  } else {
    std::string once = codec::EncodeCase(*c);
    auto again = codec::DecodeCase(once);
    if (!again.ok() || codec::EncodeCase(*again) != once) std::abort();
  }
  // The input limits hold for any text.
  (void)workflow::CheckText("f", text, workflow::kMaxNameBytes, true);
  (void)codec::DecodeDetails(text);
  return 0;
}
