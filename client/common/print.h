// How the role CLIs print answers: a readable table by default, or the API's
// JSON with -o json. Data goes to stdout, messages to stderr. Not thread-safe.
#pragma once

#include <google/protobuf/message.h>

#include "baraza/v1/baraza.pb.h"
#include "client/common/cli.h"

namespace baraza::cli {

void PrintJson(const google::protobuf::Message& message);

void PrintGroup(const Common& c, const v1::ContactGroup& group);
void PrintGroups(const Common& c, const v1::ListContactGroupsResponse& groups);
void PrintParty(const Common& c, const v1::Party& party);
void PrintCase(const Common& c, const v1::Case& kase);
void PrintCases(const Common& c, const v1::ListCasesResponse& cases);
void PrintEvents(const Common& c, const v1::ListCaseEventsResponse& events);
void PrintNotice(const Common& c, const v1::Notice& notice);
void PrintNotices(const Common& c, const v1::ListNoticesResponse& notices);
void PrintWhoAmI(const Common& c, const v1::WhoAmIResponse& who);
void PrintRecord(const Common& c, const v1::ParticipationRecord& record);
void PrintTokens(const Common& c, const v1::ListTokensResponse& tokens);
void PrintToken(const Common& c, const v1::TokenInfo& token);
void PrintReports(const Common& c, const v1::ListReportsResponse& reports);

// How a report is printed for distribution: plain text (on paper) or Markdown
// (for e-mail or a wiki). -o json and -o id take precedence.
enum class ReportFormat { kText, kMarkdown };
void PrintReport(const Common& c, const v1::Report& report, ReportFormat format);

// Runs a call and prints its answer with `print`, or reports the error.
template <typename Resp, typename CallFn, typename PrintFn>
int CallAndPrint(const Common& common, CallFn call, PrintFn print) {
  Resp resp;
  grpc::Status status = call(&resp);
  if (!status.ok()) return ReportError(common, status);
  print(common, resp);
  return kExitOk;
}

}  // namespace baraza::cli
