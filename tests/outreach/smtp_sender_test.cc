#include "services/outreach/smtp_sender.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "tests/fakes/temp_dir.h"
#include "tests/outreach/sink_process.h"

namespace baraza::outreach {
namespace {

using testing::ReadRecords;

struct SmtpFixture {
  testing::TempDir dir;
  testing::SinkProcess sink;
  SmtpFixture() { REQUIRE(sink.Start("smtp_sink.py", dir.path().string())); }
  SmtpOptions Options() const {
    SmtpOptions o;
    o.url = "smtp://127.0.0.1:" + std::to_string(sink.port());
    o.from = "notices@baraza.test";
    o.timeout_ms = 5000;
    return o;
  }
  std::vector<nlohmann::json> Records() const { return ReadRecords(dir.path().string()); }
};

Message Email(const std::string& to, const std::string& key = "d-12-3-email") {
  Message m;
  m.idempotency_key = key;
  m.channel = Channel::kEmail;
  m.address = to;
  m.subject = "Call to negotiate: case 12";
  m.text = "Case 12 awaits your answer before 2026-12-01 16:00 UTC.";
  m.case_id = 12;
  m.notice_id = 3;
  return m;
}

// The text with CRLF line ends and a final one, as an e-mail body carries it.
std::string Crlf(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out + "\r\n";
}

std::string Header(const nlohmann::json& record, const std::string& name) {
  for (const auto& h : record["headers"])
    if (h[0] == name) return h[1];
  return "";
}

}  // namespace

TEST_CASE_METHOD(SmtpFixture, "an e-mail reaches a real SMTP server with its headers and a French and Arabic body intact") {
  Message m = Email("hawa.nur@snf.example.org");
  m.subject = "Appel à négocier — affaire 12 : مرحبا";
  m.text = "Bonjour,\nVeuillez répondre avant le 1 décembre, 16 h.\nمرحبا بكم في المفاوضات\n.\nFin.";
  SendResult r = NewSmtpSender(Options())->Send(m);
  INFO(r.detail);
  REQUIRE(r.outcome == Outcome::kDelivered);
  CHECK(r.detail.find("250") != std::string::npos);
  auto records = Records();
  REQUIRE(records.size() == 1);
  const auto& rec = records[0];
  CHECK(rec["mail_from"] == "notices@baraza.test");
  CHECK(rec["rcpt_tos"] == nlohmann::json::array({"hawa.nur@snf.example.org"}));
  CHECK(rec["defects"].empty());
  CHECK(Header(rec, "From") == "notices@baraza.test");
  CHECK(Header(rec, "To") == "hawa.nur@snf.example.org");
  CHECK(rec["subject"] == m.subject);
  CHECK(rec["message_id"] == "<d-12-3-email@baraza>");
  CHECK(Header(rec, "Idempotency-Key") == "d-12-3-email");
  CHECK(!Header(rec, "Date").empty());
  CHECK(Header(rec, "Content-Type") == "text/plain; charset=\"UTF-8\"");
  CHECK(Header(rec, "Content-Transfer-Encoding") == "quoted-printable");
  CHECK(rec["body"] == Crlf(m.text));
}

TEST_CASE_METHOD(SmtpFixture, "an ASCII body goes out as 7bit and a line holding only a dot arrives intact") {
  Message m = Email("abdi@jva.example.org");
  m.text = "Line one\n.\n..two dots\nLine four";
  REQUIRE(NewSmtpSender(Options())->Send(m).outcome == Outcome::kDelivered);
  auto records = Records();
  REQUIRE(records.size() == 1);
  CHECK(Header(records[0], "Content-Transfer-Encoding") == "7bit");
  CHECK(records[0]["body"] == "Line one\r\n.\r\n..two dots\r\nLine four\r\n");  // 7bit: as on the wire
}

TEST_CASE_METHOD(SmtpFixture, "a recipient the relay refuses with 550 fails with the relay's reply") {
  SendResult r = NewSmtpSender(Options())->Send(Email("nosuchuser@example.org"));
  INFO(r.detail);
  CHECK(r.outcome == Outcome::kFailed);
  CHECK(r.detail.find("550 5.1.1") != std::string::npos);
  CHECK(r.detail.find("no such user") != std::string::npos);
  CHECK(Records().empty());
}

TEST_CASE_METHOD(SmtpFixture, "a 451 from the relay is retried with its reply") {
  SendResult r = NewSmtpSender(Options())->Send(Email("tempfail@example.org"));
  INFO(r.detail);
  CHECK(r.outcome == Outcome::kRetry);
  CHECK(r.detail.find("451 4.3.0") != std::string::npos);
}

TEST_CASE_METHOD(SmtpFixture, "a relay that is not running is retried") {
  SmtpOptions o = Options();
  sink.Stop();
  SendResult r = NewSmtpSender(o)->Send(Email("abdi@jva.example.org"));
  CHECK(r.outcome == Outcome::kRetry);
  CHECK(r.detail.find("could not reach the mail relay 127.0.0.1") != std::string::npos);
}

TEST_CASE_METHOD(SmtpFixture, "an address with a line break, a space or angle brackets fails without sending") {
  auto sender = NewSmtpSender(Options());
  for (const char* a : {"a@example.org\r\nRCPT TO:<b@example.org>", "a@example.org\nBcc: b@example.org",
                        "a b@example.org", "<a@example.org>", "a@example.org>, b@example.org"}) {
    INFO(a);
    SendResult r = sender->Send(Email(a));
    CHECK(r.outcome == Outcome::kFailed);
    CHECK(r.detail.find("\n") == std::string::npos);
  }
  CHECK(Records().empty());
}

TEST_CASE_METHOD(SmtpFixture, "a subject with a line break cannot add a header") {
  Message m = Email("abdi@jva.example.org");
  m.subject = "Hello\r\nBcc: evil@example.org";
  REQUIRE(NewSmtpSender(Options())->Send(m).outcome == Outcome::kDelivered);
  auto records = Records();
  REQUIRE(records.size() == 1);
  CHECK(Header(records[0], "Bcc").empty());
  CHECK(records[0]["rcpt_tos"].size() == 1);
  CHECK(records[0]["subject"] == "Hello  Bcc: evil@example.org");
}

TEST_CASE_METHOD(SmtpFixture, "two e-mails through one sender share one connection to the relay") {
  auto sender = NewSmtpSender(Options());
  REQUIRE(sender->Send(Email("a@example.org", "k1")).outcome == Outcome::kDelivered);
  REQUIRE(sender->Send(Email("b@example.org", "k2")).outcome == Outcome::kDelivered);
  auto records = Records();
  REQUIRE(records.size() == 2);
  CHECK(records[0]["peer_port"] == records[1]["peer_port"]);
  CHECK(records[1]["message_id"] == "<k2@baraza>");
}

TEST_CASE_METHOD(SmtpFixture, "require_tls with a relay that offers no STARTTLS is retried and nothing is sent in the clear") {
  SmtpOptions o = Options();
  o.require_tls = true;
  SendResult r = NewSmtpSender(o)->Send(Email("abdi@jva.example.org"));
  CHECK(r.outcome == Outcome::kRetry);
  CHECK(r.detail.find("TLS") != std::string::npos);
  CHECK(Records().empty());
}

TEST_CASE("a key with characters outside letters, digits, - and _ gives a distinct Message-ID") {
  SmtpOptions o;
  o.from = "notices@baraza.test";
  Message m = Email("a@example.org", "case:12/notice.3");
  std::string mail = ComposeEmail(o, m, "Tue, 01 Dec 2026 16:00:00 +0000");
  CHECK(mail.find("Message-ID: <case=3A12=2Fnotice=2E3@baraza>\r\n") != std::string::npos);
  CHECK(mail.find("Idempotency-Key: case:12/notice.3\r\n") != std::string::npos);
}

TEST_CASE("a long non-ASCII subject is folded into encoded-words of at most 75 characters") {
  SmtpOptions o;
  o.from = "notices@baraza.test";
  Message m = Email("a@example.org");
  m.subject.clear();
  for (int i = 0; i < 40; ++i) m.subject += "négociation ";
  std::string mail = ComposeEmail(o, m, "Tue, 01 Dec 2026 16:00:00 +0000");
  std::istringstream in(mail);
  std::string line;
  int words = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") break;
    CHECK(line.size() <= 78 + 1);  // the "\r" left by getline
    if (line.find("=?UTF-8?B?") != std::string::npos) {
      ++words;
      std::string word = line.substr(line.find("=?"));
      if (word.back() == '\r') word.pop_back();
      CHECK(word.size() <= 75);
    }
  }
  CHECK(words > 5);
}

}  // namespace baraza::outreach
