// Confidential text at rest on the real barazad (issue 16): a liaison's
// mediator-only position is searched for in the database file, its WAL and a
// `barazad backup` copy; and barazad refuses to start with another data key.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "storage/data_cipher.h"
#include "storage/data_key.h"
#include "tests/e2e/e2e_fixtures.h"

using namespace baraza;
using namespace baraza::testing;

namespace {

const std::string kSentinel = "SENTINEL-at-rest-5d2e-do-not-store";

bool FileHolds(const std::string& path, const std::string& needle) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return bytes.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE_METHOD(WithThreeParties,
                 "barazad keeps a mediator-only position out of its database, WAL and backups "
                 "in plain text, and refuses to start with another data key",
                 "[security][at-rest]") {
  auto mediator = Mediator();
  std::string commander_token = RegisterCommander(mediator, "Col. A. Diallo");
  v1::Case filed;
  REQUIRE(server.Client(commander_token)
              .FileContemplatedAction(ContemplatedActionIn(s.group, {s.answers, s.silent}, 3600),
                                      &filed)
              .ok());
  v1::RespondToNoticeRequest secret;
  secret.set_case_id(filed.id());
  secret.set_position("The technicals are hidden at " + kSentinel + ".");
  secret.set_visibility(v1::VISIBILITY_MEDIATOR_ONLY);
  v1::Case answered;
  REQUIRE(server.Client(s.answers_token).RespondToNotice(secret, &answered).ok());

  // The mediator reads it in plain text.
  v1::GetCaseRequest get;
  get.set_case_id(filed.id());
  v1::Case as_mediator;
  REQUIRE(mediator.GetCase(get, &as_mediator).ok());
  REQUIRE_THAT(as_mediator.DebugString(), Catch::Contains(kSentinel));

  const std::string db = server.db_path();
  const std::string copy = dir.file("copy.db");
  auto [backup_code, backup_out] =
      RunCommand(std::string(BARAZAD_PATH) + " backup --db " + db + " --out " + copy);
  INFO(backup_out);
  REQUIRE(backup_code == 0);
  CHECK(std::filesystem::exists(db + ".key"));
  CHECK_FALSE(FileHolds(db, kSentinel));
  CHECK_FALSE(FileHolds(db + "-wal", kSentinel));
  CHECK_FALSE(FileHolds(copy, kSentinel));
  // The copy verifies without the key (it is kept apart from the backups).
  auto [verify_code, verify_out] =
      RunCommand(std::string(BARAZAD_PATH) + " audit verify --db " + copy);
  CHECK(verify_code == 0);
  REQUIRE(server.Stop() == 0);
  CHECK_FALSE(FileHolds(db, kSentinel));

  // Another key: refused at start, saying which file and why.
  const std::string other = dir.file("other.key");
  REQUIRE(WriteNewDataKey(other, *DataCipher::NewKey()).ok());
  auto [code, out] = RunCommand("timeout 20 " + std::string(BARAZAD_PATH) + " --db " + db +
                                " --listen 127.0.0.1:0 --data-key-file " + other);
  CHECK(code != 0);
  CHECK_THAT(out, Catch::Contains("is not the key this database was sealed with"));
  // With its own key it serves again and the position reads back.
  REQUIRE(server.Start());
  v1::Case again;
  REQUIRE(Mediator().GetCase(get, &again).ok());
  CHECK_THAT(again.DebugString(), Catch::Contains(kSentinel));
}
