#include "services/outreach/signature.h"

#include <catch2/catch.hpp>

#include "services/outreach/channel.h"

namespace baraza::outreach {

TEST_CASE("Sign gives the HMAC-SHA256 of RFC 4231 test case 2") {
  CHECK(Sign("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("Verify accepts the signature of the body, in either case of hex") {
  std::string sig = Sign("s3cret", "{\"a\":1}");
  CHECK(Verify("s3cret", "{\"a\":1}", "sha256=" + sig));
  std::string upper = sig;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(Verify("s3cret", "{\"a\":1}", "sha256=" + upper));
}

TEST_CASE("Verify refuses another body, another secret, no prefix, a short value or an empty secret") {
  std::string sig = Sign("s3cret", "body");
  CHECK_FALSE(Verify("s3cret", "body!", "sha256=" + sig));
  CHECK_FALSE(Verify("other", "body", "sha256=" + sig));
  CHECK_FALSE(Verify("s3cret", "body", sig));
  CHECK_FALSE(Verify("s3cret", "body", "sha256=" + sig.substr(0, 63)));
  CHECK_FALSE(Verify("s3cret", "body", ""));
  CHECK_FALSE(Verify("", "body", "sha256=" + Sign("", "body")));
}

TEST_CASE("ValidateAddress accepts plain e-mail addresses, E.164 numbers and https URLs") {
  CHECK(ValidateAddress(Channel::kEmail, "hawa.nur@snf.example.org").ok());
  CHECK(ValidateAddress(Channel::kSms, "+252612345678").ok());
  CHECK(ValidateAddress(Channel::kWebhook, "https://gateway.example.org/hook?t=1").ok());
  CHECK(ValidateAddress(Channel::kWebhook, "http://127.0.0.1:8080/hook").ok());
  CHECK(ValidateAddress(Channel::kWebhook, "http://[::1]:8080/hook").ok());
  CHECK(ValidateAddress(Channel::kWebhook, "http://localhost/hook").ok());
}

TEST_CASE("ValidateAddress refuses header injection, bad numbers and URLs that are not https") {
  for (const char* a : {"a@b.org\r\nBcc: c@d.org", "a b@c.org", "<a@b.org>", "a@b.org>", "a@b", "@b.org",
                        "a@@b.org", "a,b@c.org", "\"a\"@b.org", "é@b.org", ""}) {
    INFO(a);
    CHECK(ValidateAddress(Channel::kEmail, a).code() == Code::kInvalidArgument);
  }
  for (const char* a : {"252612345678", "+0252612345", "+25261234567890123", "+252 612 345", "+1234567"}) {
    INFO(a);
    CHECK(ValidateAddress(Channel::kSms, a).code() == Code::kInvalidArgument);
  }
  for (const char* a : {"http://example.org/hook", "http://127.0.0.1.example.org/", "http://127.evil/",
                        "http://10.0.0.1/", "ftp://127.0.0.1/", "https://user:pw@example.org/", "not a url",
                        "file:///etc/passwd"}) {
    INFO(a);
    CHECK(ValidateAddress(Channel::kWebhook, a).code() == Code::kInvalidArgument);
  }
}

}  // namespace baraza::outreach
