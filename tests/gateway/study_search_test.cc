#include "gateway/study_search.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace imledger::gateway {
namespace {

std::string Match(const std::string& uid) {
  return R"({"0020000D": {"vr": "UI", "Value": [")" + uid + R"("]}})";
}

// Five studies 1 to 5; the requester may see 2, 3 and 5.
std::string FiveStudies() {
  return "[" + Match("1") + "," + Match("2") + "," + Match("3") + "," + Match("4") + "," +
         Match("5") + "]";
}

bool Visible(const std::string& uid) {
  return uid == "2" || uid == "3" || uid == "5";
}

std::vector<std::string> Shown(const SearchPaging& paging) {
  Result<FilteredSearch> result = FilterStudySearch(FiveStudies(), Visible, paging);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(result->body).size(), result->shown_studies.size());
  return result->shown_studies;
}

TEST(SplitPaging, TakesOutLimitAndOffset) {
  Result<SearchPaging> paging = SplitPaging("PatientID=7&limit=10&offset=20&fuzzymatching=true");
  ASSERT_TRUE(paging.ok());
  EXPECT_EQ(paging->forwarded_query, "PatientID=7&fuzzymatching=true");
  EXPECT_EQ(paging->limit, 10u);
  EXPECT_EQ(paging->offset, 20u);
}

TEST(SplitPaging, RejectsBadCounts) {
  for (const char* query : {"limit=-1", "limit=", "offset=1x", "limit=99999999999999999999"}) {
    SCOPED_TRACE(query);
    EXPECT_FALSE(SplitPaging(query).ok());
  }
}

TEST(FilterStudySearch, PagingCountsOnlyVisibleStudies) {
  EXPECT_EQ(Shown({}), (std::vector<std::string>{"2", "3", "5"}));
  EXPECT_EQ(Shown({"", 0, 2}), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(Shown({"", 1, 2}), (std::vector<std::string>{"3", "5"}));
  EXPECT_EQ(Shown({"", 2, 5}), (std::vector<std::string>{"5"}));
  EXPECT_EQ(Shown({"", 3, 5}), (std::vector<std::string>{}));
  EXPECT_EQ(Shown({"", 0, 0}), (std::vector<std::string>{}));
}

TEST(FilterStudySearch, MatchWithoutUidIsDropped) {
  Result<FilteredSearch> result =
      FilterStudySearch(R"([{"00100020": {"vr": "LO"}}, )" + Match("2") + "]", Visible, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->shown_studies, std::vector<std::string>{"2"});
}

TEST(FilterStudySearch, NonArrayIsCorruption) {
  for (const char* body : {"{}", "not json", "[1]"}) {
    SCOPED_TRACE(body);
    Result<FilteredSearch> result = FilterStudySearch(body, Visible, {});
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  }
}

}  // namespace
}  // namespace imledger::gateway
