// The cipher of confidential text at rest (storage/data_cipher.h) and its key
// file (storage/data_key.h): round trip, and refusal of anything altered.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "storage/data_cipher.h"
#include "storage/data_key.h"
#include "tests/fakes/temp_dir.h"

using namespace baraza;
using baraza::testing::TempDir;

namespace {
DataCipher MakeCipher() {
  auto key = DataCipher::NewKey();
  REQUIRE(key.ok());
  auto cipher = DataCipher::FromKey(*key);
  REQUIRE(cipher.ok());
  return *cipher;
}
}  // namespace

TEST_CASE("a sealed text opens to the same text with the same key and row", "[cipher]") {
  DataCipher cipher = MakeCipher();
  for (std::string plain : {std::string(), std::string("x"), std::string(5000, 'p'),
                            std::string("with\0nul", 8)}) {
    auto sealed = cipher.Seal(plain, "row 7/2");
    REQUIRE(sealed.ok());
    CHECK(DataCipher::IsSealed(*sealed));
    if (plain.size() > 8) CHECK(sealed->find(plain) == std::string::npos);
    auto opened = cipher.Open(*sealed, "row 7/2");
    REQUIRE(opened.ok());
    CHECK(*opened == plain);
  }
}

TEST_CASE("the same text sealed twice differs (a fresh nonce each time)", "[cipher]") {
  DataCipher cipher = MakeCipher();
  CHECK(*cipher.Seal("same", "aad") != *cipher.Seal("same", "aad"));
}

TEST_CASE("a tampered sealed text is refused", "[cipher]") {
  DataCipher cipher = MakeCipher();
  std::string sealed = *cipher.Seal("the mediators alone may read this", "row 1/1");
  for (size_t i = std::string(DataCipher::kPrefix).size(); i < sealed.size(); i += 7) {
    std::string bad = sealed;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto opened = cipher.Open(bad, "row 1/1");
    CHECK_FALSE(opened.ok());
  }
  CHECK(cipher.Open(sealed.substr(0, sealed.size() - 4), "row 1/1").status().code() ==
        Code::kDataLoss);
  CHECK(cipher.Open("plain text", "row 1/1").status().code() == Code::kDataLoss);
}

TEST_CASE("a sealed text moved to another row (other AAD) is refused", "[cipher]") {
  DataCipher cipher = MakeCipher();
  std::string sealed = *cipher.Seal("secret", "row 1/1");
  auto opened = cipher.Open(sealed, "row 1/2");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kDataLoss);
}

TEST_CASE("a sealed text does not open under another key", "[cipher]") {
  DataCipher a = MakeCipher(), b = MakeCipher();
  CHECK(a.KeyId() != b.KeyId());
  CHECK_FALSE(b.Open(*a.Seal("secret", "k"), "k").ok());
}

TEST_CASE("a key of the wrong length is refused", "[cipher]") {
  CHECK(DataCipher::FromKey(std::string(16, 'k')).status().code() == Code::kInvalidArgument);
}

TEST_CASE("a data key file is written 0600, read back, and never overwritten", "[cipher]") {
  TempDir dir;
  std::string path = dir.file("sub/b.db.key");
  std::string key = *DataCipher::NewKey();
  REQUIRE(WriteNewDataKey(path, key).ok());
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(*ReadDataKey(path) == key);
  CHECK(WriteNewDataKey(path, *DataCipher::NewKey()).code() == Code::kAlreadyExists);
  CHECK(*ReadDataKey(path) == key);
  CHECK(ReadDataKey(dir.file("none.key")).status().code() == Code::kNotFound);
}

TEST_CASE("a data key file others can read, a link, or a file of no key is refused", "[cipher]") {
  TempDir dir;
  std::string path = dir.file("b.db.key");
  REQUIRE(WriteNewDataKey(path, *DataCipher::NewKey()).ok());
  ::chmod(path.c_str(), 0644);
  auto wide = ReadDataKey(path);
  REQUIRE_FALSE(wide.ok());
  CHECK_THAT(wide.status().message(), Catch::Contains("chmod 600"));
  CHECK(ReadDataKey(path, /*trusted_mode=*/true).ok());
  ::chmod(path.c_str(), 0600);
  std::filesystem::create_symlink(path, dir.file("link.key"));
  CHECK_THAT(ReadDataKey(dir.file("link.key")).status().message(), Catch::Contains("symbolic link"));
  CHECK(WriteNewDataKey(dir.file("link.key"), *DataCipher::NewKey()).code() != Code::kOk);
  { std::ofstream(dir.file("junk.key")) << "not a key\n"; }
  ::chmod(dir.file("junk.key").c_str(), 0600);
  CHECK_THAT(ReadDataKey(dir.file("junk.key")).status().message(), Catch::Contains("64 hex"));
}
