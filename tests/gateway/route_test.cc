#include "gateway/route.h"

#include <gtest/gtest.h>

namespace imledger::gateway {
namespace {

constexpr std::string_view kPrefix = "/dicom-web";

TEST(DicomUid, AcceptsOnlyDigitsAndDots) {
  EXPECT_TRUE(IsDicomUid("1.2.840.10008.1.2"));
  EXPECT_TRUE(IsDicomUid(std::string(64, '1')));
  EXPECT_FALSE(IsDicomUid(std::string(65, '1')));
  EXPECT_FALSE(IsDicomUid(""));
  EXPECT_FALSE(IsDicomUid(".1.2"));
  EXPECT_FALSE(IsDicomUid("1.2."));
  EXPECT_FALSE(IsDicomUid("1..2"));
  EXPECT_FALSE(IsDicomUid("1.2a"));
}

TEST(ParseRoute, StudyResourcesAreServed) {
  struct Case {
    const char* target;
    const char* relative_path;
    bool whole_study;
  };

  const Case cases[] = {
      {"/dicom-web/studies/1.2.3", "/studies/1.2.3", true},
      {"/dicom-web/studies/1.2.3?accept=x", "/studies/1.2.3", true},
      {"/dicom-web/studies/1.2.3/metadata", "/studies/1.2.3/metadata", false},
      {"/dicom-web/studies/1.2.3/rendered", "/studies/1.2.3/rendered", false},
      {"/dicom-web/studies/1.2.3/series", "/studies/1.2.3/series", false},
      {"/dicom-web/studies/1.2.3/instances", "/studies/1.2.3/instances", false},
      {"/dicom-web/studies/1.2.3/series/4.5", "/studies/1.2.3/series/4.5", false},
      {"/dicom-web/studies/1.2.3/series/4.5/metadata", "/studies/1.2.3/series/4.5/metadata", false},
      {"/dicom-web/studies/1.2.3/series/4.5/instances", "/studies/1.2.3/series/4.5/instances",
       false},
      {"/dicom-web/studies/1.2.3/series/4.5/instances/6.7",
       "/studies/1.2.3/series/4.5/instances/6.7", false},
      {"/dicom-web/studies/1.2.3/series/4.5/instances/6.7/rendered",
       "/studies/1.2.3/series/4.5/instances/6.7/rendered", false},
      {"/dicom-web/studies/1.2.3/series/4.5/instances/6.7/frames/1,2,3",
       "/studies/1.2.3/series/4.5/instances/6.7/frames/1,2,3", false},
      {"/dicom-web/studies/1.2.3/series/4.5/instances/6.7/frames/1/rendered",
       "/studies/1.2.3/series/4.5/instances/6.7/frames/1/rendered", false},
      {"/dicom-web/studies/1.2.3/series/4.5/instances/6.7/bulk/7fe00010",
       "/studies/1.2.3/series/4.5/instances/6.7/bulk/7fe00010", false},
      {"/dicom-web/studies/1.2.3/series/4.5/instances/6.7/bulk/00081111/0/00100010",
       "/studies/1.2.3/series/4.5/instances/6.7/bulk/00081111/0/00100010", false},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.target);
    Result<Route> route = ParseRoute("GET", test.target, kPrefix);
    ASSERT_TRUE(route.ok()) << route.status().ToString();
    EXPECT_EQ(route->kind, RouteKind::kStudyResource);
    EXPECT_EQ(route->study_instance_uid, "1.2.3");
    EXPECT_EQ(route->relative_path, test.relative_path);
    EXPECT_EQ(route->whole_study, test.whole_study);
  }
}

TEST(ParseRoute, SearchKeepsItsQuery) {
  Result<Route> route = ParseRoute("GET", "/dicom-web/studies?PatientID=x&limit=5", kPrefix);
  ASSERT_TRUE(route.ok());
  EXPECT_EQ(route->kind, RouteKind::kStudySearch);
  EXPECT_EQ(route->query, "PatientID=x&limit=5");
  EXPECT_EQ(route->study_instance_uid, "");
}

TEST(ParseRoute, StoreNeedsANamedStudy) {
  Result<Route> route = ParseRoute("POST", "/dicom-web/studies/1.2.3", kPrefix);
  ASSERT_TRUE(route.ok());
  EXPECT_EQ(route->kind, RouteKind::kStudyStore);
  EXPECT_EQ(route->study_instance_uid, "1.2.3");
  EXPECT_FALSE(ParseRoute("POST", "/dicom-web/studies", kPrefix).ok());
}

TEST(ParseRoute, EverythingElseIsRefused) {
  struct Case {
    const char* method;
    const char* target;
  };

  const Case cases[] = {
      {"GET", "/"},
      {"GET", "/instances"},
      {"GET", "/instances/abc/file"},
      {"GET", "/tools/find"},
      {"POST", "/tools/find"},
      {"GET", "/patients"},
      {"GET", "/dicom-web"},
      {"GET", "/dicom-web/"},
      {"GET", "/dicom-web/series"},
      {"GET", "/dicom-web/instances"},
      {"GET", "/dicom-webstudies/1.2.3"},
      {"GET", "/dicom-web/studies/abc"},
      {"GET", "/dicom-web/studies/1.2.3/"},
      {"GET", "/dicom-web/studies//1.2.3"},
      {"GET", "/dicom-web/studies/1.2.3/../../../instances"},
      {"GET", "/dicom-web/studies/./1.2.3"},
      {"GET", "/dicom-web/studies/1%2e2"},
      {"GET", "/dicom-web/studies/1.2.3/bulkdata"},
      {"GET", "/dicom-web/studies/1.2.3/series/x"},
      {"GET", "/dicom-web/studies/1.2.3/series/4.5/instances/6.7/frames/"},
      {"GET", "/dicom-web/studies/1.2.3/series/4.5/instances/6.7/frames/1,,2"},
      {"GET", "/dicom-web/studies/1.2.3/series/4.5/instances/6.7/frames/a"},
      {"GET", "/dicom-web/studies/1.2.3/series/4.5/instances/6.7/bulk"},
      {"GET", "/dicom-web/studies/1.2.3/series/4.5/instances/6.7/bulk/7fe0001g"},
      {"GET", "/dicom-web/studies/1.2.3/series/4.5/instances/6.7/bulk/../file"},
      {"GET", "/dicom-web/studies/1.2.3?x=\x7f"},
      {"HEAD", "/dicom-web/studies/1.2.3"},
      {"DELETE", "/dicom-web/studies/1.2.3"},
      {"PUT", "/dicom-web/studies/1.2.3"},
      {"POST", "/dicom-web/studies/1.2.3/series"},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(std::string(test.method) + " " + test.target);
    Result<Route> route = ParseRoute(test.method, test.target, kPrefix);
    ASSERT_FALSE(route.ok());
    EXPECT_EQ(route.status().code(), StatusCode::kPermissionDenied);
    EXPECT_FALSE(route.status().message().empty());
  }
}

}  // namespace
}  // namespace imledger::gateway
