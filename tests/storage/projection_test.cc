// The projection record: rows, their digests and keys, the state sum and the
// encoding of a write's changes stored with its event. Pure; no store.
#include <catch2/catch.hpp>

#include "storage/projection.h"

using namespace baraza;
using namespace baraza::projection;

TEST_CASE("the state sum is the same whatever order rows are added and removed in", "[record]") {
  Row a = DeadlineRow({7, 2, DeadlineKind::kWindowClose, 1000});
  Row b = DeadlineRow({7, 3, DeadlineKind::kWindowClose, 2000});
  Row c = CasePartyRow(2, 7);
  StateSum one, two;
  one.Add(DigestOf(Table::kDeadlines, a));
  one.Add(DigestOf(Table::kDeadlines, b));
  one.Add(DigestOf(Table::kCaseParties, c));
  two.Add(DigestOf(Table::kCaseParties, c));
  two.Add(DigestOf(Table::kDeadlines, b));
  two.Add(DigestOf(Table::kDeadlines, a));
  CHECK(one == two);
  two.Subtract(DigestOf(Table::kDeadlines, b));
  CHECK_FALSE(one == two);
  StateSum three;
  three.Add(DigestOf(Table::kCaseParties, c));
  three.Add(DigestOf(Table::kDeadlines, a));
  CHECK(two == three);
  // Taking away everything leaves zero, borrows and carries included.
  for (const auto* r : {&a, &c}) {
    three.Subtract(DigestOf(r == &a ? Table::kDeadlines : Table::kCaseParties, *r));
  }
  CHECK(three == StateSum());
  auto back = StateSum::FromBytes(one.Bytes());
  REQUIRE(back.ok());
  CHECK(*back == one);
}

TEST_CASE("a row's digest changes with any column and with its table", "[record]") {
  Position p{1, 3, "we accept", Visibility::kGroup, 5000};
  Row row = PositionRow(9, p);
  std::string d = DigestOf(Table::kPositions, row);
  p.visibility = Visibility::kMediatorOnly;
  CHECK(DigestOf(Table::kPositions, PositionRow(9, p)) != d);
  Row text_as_number = row;
  text_as_number[5] = int64_t{0};
  CHECK(DigestOf(Table::kPositions, text_as_number) != d);
  CHECK(DigestOf(Table::kNotices, row) != d);
  CHECK(KeyOf(Table::kPositions, row) == KeyOf(Table::kPositions, PositionRow(9, p)));
}

TEST_CASE("rows are described by what a person calls them, with their case", "[record]") {
  CHECK(Describe(Table::kPositions, PositionRow(9, {2, 3, "x", Visibility::kGroup, 0})) ==
        "position 2 of case 9");
  CHECK(Describe(Table::kCases, {int64_t{9}}) == "case 9");
  CHECK(Describe(Table::kNotices, NoticeRow({4, 9, Recipient::Party(3)})) == "notice 4 of case 9");
  TokenRecord t;
  t.hash = std::string(64, 'a');
  CHECK(Describe(Table::kTokens, TokenRow(t)) == "token aaaaaaaaaaaa");
  CHECK(CaseOf(Table::kDeadlines, DeadlineRow({9, 2, DeadlineKind::kReminder, 1})) == 9);
  CHECK(CaseOf(Table::kTokens, TokenRow(t)) == 0);
}

TEST_CASE("a row whose added columns hold their default digests as it did before they existed",
          "[record]") {
  Notice n{4, 9, Recipient::Party(3), NoticeKind::kReminder, "text", 100, 200};
  Row now = NoticeRow(n);
  REQUIRE(now.size() == Spec(Table::kNotices).columns.size());
  Row before(now.begin(), now.begin() + 7);  // as schema 6 recorded it
  CHECK(DigestOf(Table::kNotices, now) == DigestOf(Table::kNotices, before));
  // A notice to the mediators or a commander is another row.
  n.to = Recipient::Mediators();
  CHECK(DigestOf(Table::kNotices, NoticeRow(n)) != DigestOf(Table::kNotices, before));
  n.to = Recipient::Commander(3);
  Row commander = NoticeRow(n);
  CHECK(DigestOf(Table::kNotices, commander) != DigestOf(Table::kNotices, NoticeRow({4, 9, Recipient::Commander(4), NoticeKind::kReminder, "text", 100, 200})));
  CHECK(NoticeOf(commander).to == Recipient::Commander(3));
  CHECK(NoticeOf(commander).PartyId() == 0);
}

TEST_CASE("a change recorded before a table gained columns decodes with their defaults",
          "[record]") {
  Notice n{4, 9, Recipient::Party(3), NoticeKind::kReminder, "text", 100, 200};
  Row now = NoticeRow(n);
  Row before(now.begin(), now.begin() + 7);
  Recorder rec;
  rec.Reset(StateSum());
  rec.Put(Table::kNotices, before);  // what schema 6 wrote
  StateSum expected = rec.sum();
  auto decoded = Decode(rec.Take());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->changes.size() == 1);
  CHECK(decoded->changes[0].row == now);
  CHECK(decoded->sum == expected);
  // Fewer columns than the table ever had is still refused.
  rec.Put(Table::kNotices, Row(now.begin(), now.begin() + 6));
  CHECK(Decode(rec.Take()).status().code() == Code::kDataLoss);
}

TEST_CASE("a write's changes decode as they were recorded and deletions as keys", "[record]") {
  Recorder rec;
  rec.Reset(StateSum());
  Row old = DeadlineRow({9, 2, DeadlineKind::kWindowClose, 1000});
  rec.Put(Table::kDeadlines, old);
  rec.WriteDone(true);
  rec.Put(Table::kPositions, PositionRow(9, {1, 2, "text \xE2\x80\x94 with bytes", Visibility::kGroup, 7}));
  rec.Delete(Table::kDeadlines, old);
  StateSum expected = rec.sum();
  auto decoded = Decode(rec.Take());
  rec.WriteDone(true);
  REQUIRE(decoded.ok());
  CHECK(decoded->sum == expected);
  REQUIRE(decoded->changes.size() == 2);
  CHECK(decoded->changes[0].table == Table::kPositions);
  CHECK(std::get<std::string>(decoded->changes[0].row[5]) == "text \xE2\x80\x94 with bytes");
  CHECK(decoded->changes[1].deleted);
  CHECK(decoded->changes[1].row.size() == 3);  // the key of a deadline
  // A rolled-back write leaves the sum of the last good one.
  rec.Put(Table::kCaseParties, CasePartyRow(1, 9));
  rec.WriteDone(false);
  CHECK(rec.empty());
  CHECK(rec.sum() == expected);
}

TEST_CASE("changes that cannot be read are refused with a status", "[record]") {
  CHECK(Decode("\xff\xff not a record").status().code() == Code::kDataLoss);
  CHECK(Decode("").status().code() == Code::kDataLoss);  // no sum
}
