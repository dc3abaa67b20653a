// baraza-mediator: the mediator's command line — contact groups, parties,
// liaisons, and every step of a case. Thin: parse, call barazad, print.
#include <filesystem>
#include <iostream>

#include "client/common/commands.h"
#include "client/common/outreach_commands.h"
#include "client/common/print.h"

using namespace baraza;
using namespace baraza::cli;

namespace {

// Refuses an existing --token-out before anything is registered, so that no
// token is issued that cannot be saved.
bool TokenFileIsFree(const Common& c, const std::string& path) {
  if (!std::filesystem::exists(path)) return true;
  std::cerr << c.program << ": " << path
            << " already exists; choose a new file (an existing token is never overwritten)"
            << std::endl;
  return false;
}

// Writes a newly issued token to `path` (mode 0600) and reports who it is for.
int SaveIssuedToken(const Common& c, const std::string& path, const std::string& token,
                    const std::string& who, const std::string& id,
                    const google::protobuf::Message& record) {
  std::string error;
  if (!WriteSecretFile(path, token, &error)) {
    std::cerr << c.program << ": " << who << " was registered but the token could not be saved: "
              << error << "; register again with another --token-out" << std::endl;
    return kExitFailure;
  }
  if (c.id_only()) {
    std::cout << id << std::endl;
  } else if (c.json()) {
    PrintJson(record);
  } else {
    std::cout << who << " registered\n";
  }
  std::cerr << "token written to " << path << " (mode 0600)\n";
  return kExitOk;
}

// What a `register` command got back: the token, who it is for, and the record to print.
struct Issued {
  grpc::Status status;
  std::string token, who, id;
  std::unique_ptr<google::protobuf::Message> record;
};
using IssueFn = std::function<Issued(client::BarazaClient&, const std::string& name,
                                     const google::protobuf::Duration& ttl)>;
struct IssueFlags {
  std::string name, token_out, token_ttl;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"baraza-mediator: run a contact group's cases — create groups, register parties "
               "and liaisons, file disputes, grant extensions and support, record outcomes."};
  Program p(app, "mediator", "var/mediator.token");
  Common& c = p.c;
  auto& run = p.run;
#define CONNECT_OR_FAIL() BARAZA_CONNECT_OR_FAIL(p)

  // ------------------------------------------------------------------ whoami
  AddWhoAmI(p, "show who your token belongs to");

  // ------------------------------------------------------------------- group
  auto* group = app.add_subcommand("group", "contact groups")->require_subcommand(1);
  v1::CreateContactGroupRequest create_group;
  std::string group_kind = "standing";
  std::string appeal_window = "7d";
  {
    auto* cmd = group->add_subcommand("create", "create a contact group");
    cmd->add_option("--name", *create_group.mutable_name(), "the group's name")->required();
    cmd->add_option("--purpose", *create_group.mutable_purpose(), "what the group is for");
    cmd->add_option("--kind", group_kind, "standing (meets outside crises) or ad-hoc (one case)")
        ->check(EnumValidator(v1::GroupKind_descriptor()))
        ->capture_default_str();
    cmd->add_option("--appeal-window", appeal_window,
                    "how long affected parties may appeal an emergency action, e.g. 7d")
        ->capture_default_str();
    cmd->add_option("--time-zone", *create_group.mutable_time_zone(),
                    "IANA time zone the group meets in, e.g. Africa/Mogadishu: notices show "
                    "deadlines in it with UTC beside them (default: UTC)");
    cmd->callback([&] {
      run = [&] {
        if (!ResolveText(c, {create_group.mutable_purpose()})) return int(kExitUsage);
        if (!SetDuration(c, appeal_window, "--appeal-window", create_group.mutable_appeal_window()))
          return int(kExitUsage);
        create_group.set_kind(static_cast<v1::GroupKind>(*ParseEnum(v1::GroupKind_descriptor(), group_kind)));
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::ContactGroup>(
            c, [&](auto* r) { return cl->CreateContactGroup(create_group, r); }, PrintGroup);
      };
    });
  }
  v1::ListContactGroupsRequest list_groups;
  {
    auto* cmd = group->add_subcommand("list", "list contact groups");
    cmd->add_option("--page-token", *list_groups.mutable_page_token(), "from the previous page");
    cmd->callback([&] {
      run = [&] {
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::ListContactGroupsResponse>(
            c, [&](auto* r) { return cl->ListContactGroups(list_groups, r); }, PrintGroups);
      };
    });
  }
  v1::GetContactGroupRequest get_group;
  int64_t show_group_id = 0;
  {
    auto* cmd = group->add_subcommand("show", "show a group with its parties");
    cmd->add_option("group_id", show_group_id, "group id")->required()->check(CLI::PositiveNumber);
    cmd->callback([&] {
      run = [&] {
        get_group.set_group_id(show_group_id);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::ContactGroup>(
            c, [&](auto* r) { return cl->GetContactGroup(get_group, r); }, PrintGroup);
      };
    });
  }

  // ------------------------------------------------------------------- party
  auto* party = app.add_subcommand("party", "parties of a contact group")->require_subcommand(1);
  v1::AddPartyRequest add_party;
  std::string category;
  int64_t party_group = 0;
  {
    auto* cmd = party->add_subcommand("add", "add a party to a group");
    cmd->add_option("--group", party_group, "group id")->required()->check(CLI::PositiveNumber);
    cmd->add_option("--name", *add_party.mutable_name(), "the party's name")->required();
    cmd->add_option("--category", category, "what kind of stakeholder it is")
        ->required()
        ->check(EnumValidator(v1::PartyCategory_descriptor()));
    cmd->callback([&] {
      run = [&] {
        add_party.set_group_id(party_group);
        add_party.set_category(
            static_cast<v1::PartyCategory>(*ParseEnum(v1::PartyCategory_descriptor(), category)));
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Party>(c, [&](auto* r) { return cl->AddParty(add_party, r); },
                                       PrintParty);
      };
    });
  }

  // ----------------------------------------------- liaison, commander, observer
  // Each issues a token into a new file: --name, --token-out, --token-ttl.
  auto register_command = [&](CLI::App* parent, const std::string& help,
                              const std::string& name_help, const std::string& whose,
                              IssueFn issue) {
    auto f = std::make_shared<IssueFlags>();
    auto* cmd = parent->add_subcommand("register", help);
    cmd->add_option("--name", f->name, name_help)->required();
    cmd->add_option("--token-out", f->token_out,
                    "new file to write " + whose + " token to (mode 0600); hand it over securely")
        ->required();
    cmd->add_option("--token-ttl", f->token_ttl,
                    "how long the token is valid, e.g. 30d (default 90d)");
    cmd->callback([&p, &c, f, issue] {
      p.run = [&p, &c, f, issue] {
        google::protobuf::Duration ttl;
        if (!f->token_ttl.empty() && !SetDuration(c, f->token_ttl, "--token-ttl", &ttl))
          return int(kExitUsage);
        if (!TokenFileIsFree(c, f->token_out)) return int(kExitUsage);
        BARAZA_CONNECT_OR_FAIL(p);
        Issued out = issue(*cl, f->name, ttl);
        if (!out.status.ok()) return ReportError(c, out.status);
        return SaveIssuedToken(c, f->token_out, out.token, out.who, out.id, *out.record);
      };
    });
    return cmd;
  };

  auto* liaison = app.add_subcommand("liaison", "a party's liaisons")->require_subcommand(1);
  AddContactCommands(p, liaison, ContactsOf::kLiaison);
  AddLanguageCommand(p, liaison, ContactsOf::kLiaison);
  auto liaison_party = std::make_shared<int64_t>(0);
  auto liaison_language = std::make_shared<std::string>();
  auto* liaison_register = register_command(
      liaison, "register a liaison for a party and write the liaison's token to a file",
      "the liaison's name", "the liaison's",
      [liaison_party, liaison_language](client::BarazaClient& cl, const std::string& name,
                                        const google::protobuf::Duration& ttl) {
        v1::RegisterLiaisonRequest req;
        req.set_party_id(*liaison_party);
        req.set_name(name);
        req.set_language(*liaison_language);
        *req.mutable_token_ttl() = ttl;
        auto resp = std::make_unique<v1::RegisterLiaisonResponse>();
        Issued out{cl.RegisterLiaison(req, resp.get())};
        const auto& l = resp->liaison();
        out.token = resp->token();
        out.who = "liaison " + std::to_string(l.id()) + " (" + l.name() + ") for party " +
                  std::to_string(l.party_id());
        out.id = std::to_string(l.id());
        out.record = std::make_unique<v1::Liaison>(l);
        return out;
      });
  liaison_register->add_option("--party", *liaison_party, "party id")
      ->required()
      ->check(CLI::PositiveNumber);
  liaison_register->add_option("--language", *liaison_language,
                               "the language the liaison reads notices in, e.g. fr, ar, sw "
                               "(e-mail and SMS too; default English)");

  auto* commander =
      app.add_subcommand("commander", "peacekeeper commanders")->require_subcommand(1);
  AddContactCommands(p, commander, ContactsOf::kCommander);
  AddLanguageCommand(p, commander, ContactsOf::kCommander);
  auto commander_language = std::make_shared<std::string>();
  register_command(
      commander, "register a peacekeeper commander and write the commander's token to a file",
      "the commander's name and post, e.g. \"Col. A. Diallo, Sector South\"", "the commander's",
      [commander_language](client::BarazaClient& cl, const std::string& name,
                           const google::protobuf::Duration& ttl) {
        v1::RegisterCommanderRequest req;
        req.set_name(name);
        req.set_language(*commander_language);
        *req.mutable_token_ttl() = ttl;
        v1::RegisterCommanderResponse resp;
        Issued out{cl.RegisterCommander(req, &resp)};
        const auto& k = resp.commander();
        out.token = resp.token();
        out.who = "commander " + std::to_string(k.id()) + " (" + k.name() + ")";
        out.id = std::to_string(k.id());
        out.record = std::make_unique<v1::Commander>(k);
        return out;
      })
      ->add_option("--language", *commander_language,
                   "the language the commander reads notices in, e.g. fr (default English)");

  auto* observer = app.add_subcommand(
      "observer", "observers: the public, donors, the Security Council")->require_subcommand(1);
  register_command(
      observer, "issue an observer token (reads published reports, nothing else) into a file",
      "who holds it, e.g. \"Donor liaison office\"", "the observer's",
      [](client::BarazaClient& cl, const std::string& name, const google::protobuf::Duration& ttl) {
        v1::RegisterObserverRequest req;
        req.set_name(name);
        *req.mutable_token_ttl() = ttl;
        v1::RegisterObserverResponse resp;
        Issued out{cl.RegisterObserver(req, &resp)};
        out.token = resp.token();
        out.who = resp.token_info().label();
        out.id = resp.token_info().id();
        out.record = std::make_unique<v1::TokenInfo>(resp.token_info());
        return out;
      });

  // ------------------------------------------------------------------ report
  auto* report = app.add_subcommand("report", "even-handed publication: reports rendered by "
                                              "barazad from one template")
                     ->require_subcommand(1);
  struct PublishFlags {
    v1::PublishReportRequest req;
    int64_t kase = 0, corrects = 0;
    std::string format = "text";
  };
  auto publish = std::make_shared<PublishFlags>();
  {
    auto* cmd = report->add_subcommand(
        "publish", "publish a report on a case (open or not); it never changes afterwards");
    AddCaseIdArg(cmd, &publish->kase);
    cmd->add_option("--corrects", publish->corrects,
                    "id of an earlier report on the same case that this one corrects")
        ->check(CLI::PositiveNumber);
    AddReportFormat(cmd, &publish->format);
    cmd->callback([&] {
      run = [&] {
        publish->req.set_case_id(publish->kase);
        publish->req.set_corrects_report_id(publish->corrects);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Report>(
            c, [&](auto* r) { return cl->PublishReport(publish->req, r); },
            ReportPrinter(publish->format));
      };
    });
  }
  AddReportReading(p, report);

  // ------------------------------------------------------------------- token
  auto* token = app.add_subcommand("token", "the tokens barazad has issued")->require_subcommand(1);
  token->footer("Mediator tokens are issued on the server with `barazad token issue`.");
  {
    auto* cmd = token->add_subcommand("list", "every token: id, role, state, expiry, holder");
    cmd->callback([&] {
      run = [&] {
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::ListTokensResponse>(
            c, [&](auto* resp) { return cl->ListTokens(v1::ListTokensRequest(), resp); },
            PrintTokens);
      };
    });
  }
  v1::RevokeTokenRequest revoke_token;
  {
    auto* cmd = token->add_subcommand(
        "revoke", "revoke a token (e.g. a liaison's lost phone); barazad refuses it at once");
    cmd->add_option("id", *revoke_token.mutable_token_id(), "the token's id from `token list`")
        ->required();
    cmd->callback([&] {
      run = [&] {
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::TokenInfo>(
            c, [&](auto* resp) { return cl->RevokeToken(revoke_token, resp); }, PrintToken);
      };
    });
  }

  // -------------------------------------------------------------------- case
  auto* kase = app.add_subcommand("case", "cases and their workflow")->require_subcommand(1);
  int64_t case_id = 0;

  v1::FileDisputeRequest file;
  int64_t file_group = 0, filed_by = 0;
  std::vector<std::string> standards;
  std::vector<int64_t> respondents;
  std::string dimension, window;
  {
    auto* cmd = kase->add_subcommand("file", "file a dispute; its respondents are notified at once");
    cmd->add_option("--group", file_group, "group id")->required()->check(CLI::PositiveNumber);
    cmd->add_option("--title", *file.mutable_title(), "short title")->required();
    cmd->add_option("--description", *file.mutable_description(), "what is disputed (or @FILE)")
        ->required();
    cmd->add_option("--standard", standards, "standard(s) invoked; repeat for several")
        ->required()
        ->check(EnumValidator(v1::Standard_descriptor()));
    cmd->add_option("--dimension", dimension, "operational dimension at stake")
        ->required()
        ->check(EnumValidator(v1::OperationalDimension_descriptor()));
    cmd->add_option("--filed-by", filed_by, "party id that raises it (default: the mission)");
    cmd->add_option("--respondent", respondents, "respondent party id; repeat for several")
        ->required();
    cmd->add_option("--window", window, "negotiation window per respondent, e.g. 7d, 36h")
        ->required();
    cmd->callback([&] {
      run = [&] {
        if (!ResolveText(c, {file.mutable_description()})) return int(kExitUsage);
        if (!SetDuration(c, window, "--window", file.mutable_window())) return int(kExitUsage);
        file.set_group_id(file_group);
        file.set_filed_by_party_id(filed_by);
        for (const auto& s : standards)
          file.add_standards(static_cast<v1::Standard>(*ParseEnum(v1::Standard_descriptor(), s)));
        file.set_dimension(static_cast<v1::OperationalDimension>(
            *ParseEnum(v1::OperationalDimension_descriptor(), dimension)));
        for (auto r : respondents) file.add_respondent_party_ids(r);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->FileDispute(file, r); }, PrintCase);
      };
    });
  }

  v1::ListCasesRequest list_cases;
  int64_t list_group = 0, list_party = 0;
  bool list_full = false;
  std::string list_state;
  {
    auto* cmd = kase->add_subcommand("list", "list cases, newest first");
    cmd->add_option("--group", list_group, "only this group");
    cmd->add_option("--party", list_party, "only cases this party is in");
    cmd->add_option("--state", list_state, "only cases in this state")
        ->check(EnumValidator(v1::CaseState_descriptor()));
    cmd->add_option("--page-token", *list_cases.mutable_page_token(), "from the previous page");
    cmd->add_flag("--full", list_full,
                  "whole cases (positions, descriptions, appeals) for --json; "
                  "without it each case comes without its texts, as the table shows it");
    cmd->callback([&] {
      run = [&] {
        if (list_full) list_cases.set_view(v1::CASE_VIEW_FULL);
        list_cases.set_group_id(list_group);
        list_cases.set_party_id(list_party);
        if (!list_state.empty())
          list_cases.set_state(static_cast<v1::CaseState>(*ParseEnum(v1::CaseState_descriptor(), list_state)));
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::ListCasesResponse>(
            c, [&](auto* r) { return cl->ListCases(list_cases, r); }, PrintCases);
      };
    });
  }


  AddContemplate(p, *kase, "contemplate");
  AddCaseShow(p, kase, "show a case");
  AddCaseDeliveries(p, kase);
  AddCaseHistory(p, kase);

  int64_t for_party = 0;
  std::string by, reason;
  {
    auto* cmd = kase->add_subcommand("extend", "move one respondent's deadline later");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--party", for_party, "the respondent party")->required();
    cmd->add_option("--by", by, "how much longer, e.g. 3d")->required();
    cmd->add_option("--reason", reason, "why (recorded in the history)")->required();
    cmd->callback([&] {
      run = [&] {
        v1::GrantExtensionRequest req;
        TargetCase(req, c, case_id);
        req.set_party_id(for_party);
        if (!SetDuration(c, by, "--by", req.mutable_extension())) return int(kExitUsage);
        if (!ResolveText(c, {&reason})) return int(kExitUsage);
        req.set_reason(reason);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->GrantExtension(req, r); }, PrintCase);
      };
    });
  }

  std::string support_kind, support_description, support_extend;
  {
    auto* cmd = kase->add_subcommand("support", "record capacity support for a respondent");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--party", for_party, "the respondent party")->required();
    cmd->add_option("--kind", support_kind, "what kind of support")
        ->required()
        ->check(EnumValidator(v1::SupportKind_descriptor()));
    cmd->add_option("--description", support_description, "what is provided")->required();
    cmd->add_option("--extend", support_extend, "also extend the deadline, e.g. 2d (required for time)");
    cmd->callback([&] {
      run = [&] {
        v1::GrantCapacitySupportRequest req;
        TargetCase(req, c, case_id);
        req.set_party_id(for_party);
        req.set_kind(static_cast<v1::SupportKind>(*ParseEnum(v1::SupportKind_descriptor(), support_kind)));
        if (!ResolveText(c, {&support_description})) return int(kExitUsage);
        req.set_description(support_description);
        if (!support_extend.empty() && !SetDuration(c, support_extend, "--extend", req.mutable_extension()))
          return int(kExitUsage);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->GrantCapacitySupport(req, r); },
                                      PrintCase);
      };
    });
  }

  std::string text, rationale;
  std::vector<int64_t> accepted_by;
  {
    auto* cmd = kase->add_subcommand("settle", "record the agreement and who accepted it");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--text", text, "the agreement (or @FILE)")->required();
    cmd->add_option("--accepted-by", accepted_by, "party id that accepted; repeat")->required();
    cmd->callback([&] {
      run = [&] {
        v1::RecordSettlementRequest req;
        TargetCase(req, c, case_id);
        if (!ResolveText(c, {&text})) return int(kExitUsage);
        req.set_text(text);
        for (auto p : accepted_by) req.add_accepting_party_ids(p);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->RecordSettlement(req, r); }, PrintCase);
      };
    });
  }
  std::string action_decision;
  {
    auto* cmd = kase->add_subcommand("decide", "record the mission's decision when no agreement was reached");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--text", text, "the decision (or @FILE)")->required();
    cmd->add_option("--rationale", rationale, "why (or @FILE)")->required();
    cmd->add_option("--action", action_decision,
                    "for a contemplated action: whether the mission will proceed, modify or "
                    "abandon it")
        ->check(EnumValidator(v1::ActionDecision_descriptor()));
    cmd->callback([&] {
      run = [&] {
        v1::RecordMissionDecisionRequest req;
        TargetCase(req, c, case_id);
        if (!action_decision.empty())
          req.set_action_decision(static_cast<v1::ActionDecision>(
              *ParseEnum(v1::ActionDecision_descriptor(), action_decision)));
        if (!ResolveText(c, {&text, &rationale})) return int(kExitUsage);
        req.set_text(text);
        req.set_rationale(rationale);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->RecordMissionDecision(req, r); },
                                      PrintCase);
      };
    });
  }
  {
    auto* cmd = kase->add_subcommand("withdraw", "withdraw an open case");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--reason", reason, "why")->required();
    cmd->callback([&] {
      run = [&] {
        v1::WithdrawCaseRequest req;
        TargetCase(req, c, case_id);
        if (!ResolveText(c, {&reason})) return int(kExitUsage);
        req.set_reason(reason);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->WithdrawCase(req, r); }, PrintCase);
      };
    });
  }
  {
    auto* cmd = kase->add_subcommand("close", "close a case that has an outcome");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->callback([&] {
      run = [&] {
        v1::CloseCaseRequest req;
        TargetCase(req, c, case_id);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->CloseCase(req, r); }, PrintCase);
      };
    });
  }

  // ------------------------------------------------------------------ notice
  // ------------------------------------------------------------------ appeal
  auto* appeal = app.add_subcommand("appeal", "appeals against emergency actions")
                     ->require_subcommand(1);
  std::string ruling, reasons, remedy;
  {
    auto* cmd = appeal->add_subcommand(
        "rule", "rule on the appeal(s) of an emergency action, once, with reasons");
    AddChangedCaseArgs(cmd, c, &case_id);
    cmd->add_option("--ruling", ruling, "the ruling")
        ->required()
        ->check(EnumValidator(v1::Ruling_descriptor()));
    cmd->add_option("--reasons", reasons, "why (or @FILE)")->required();
    cmd->add_option("--remedy", remedy,
                    "what is to be put right (or @FILE); required with upheld-with-remedy");
    cmd->callback([&] {
      run = [&] {
        if (!ResolveText(c, {&reasons, &remedy})) return int(kExitUsage);
        v1::RuleOnAppealRequest req;
        TargetCase(req, c, case_id);
        req.set_ruling(static_cast<v1::Ruling>(*ParseEnum(v1::Ruling_descriptor(), ruling)));
        req.set_reasons(reasons);
        req.set_remedy(remedy);
        CONNECT_OR_FAIL();
        return CallAndPrint<v1::Case>(c, [&](auto* r) { return cl->RuleOnAppeal(req, r); },
                                      PrintCase);
      };
    });
  }

  // ------------------------------------------------------------ party record
  int64_t record_party = 0;
  {
    auto* cmd = party->add_subcommand(
        "record", "a party's participation across all its cases, from the case histories");
    cmd->add_option("party_id", record_party, "party id")->required()->check(CLI::PositiveNumber);
    cmd->callback([&] {
      run = [&] {
        CONNECT_OR_FAIL();
        v1::GetParticipationRecordRequest req;
        req.set_party_id(record_party);
        return CallAndPrint<v1::ParticipationRecord>(
            c, [&](auto* r) { return cl->GetParticipationRecord(req, r); }, PrintRecord);
      };
    });
  }

  // --------------------------------------------------------- notice, contact
  auto* notice = app.add_subcommand("notice", "the mediators' notices (extension requests, "
                                              "referrals, cases awaiting a decision or a "
                                              "ruling), or a party's")
                     ->require_subcommand(1);
  AddNoticeList(p, notice, /*by_party=*/true);
  AddNoticeWatch(p, notice);
  AddContactCommands(p, &app, ContactsOf::kMediators);
#undef CONNECT_OR_FAIL

  return p.Main(argc, argv);
}
