#pragma once
#include <unistd.h>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>
namespace kata {
// A counter that counts nothing, whose static initialiser writes gtest's XML report itself,
// every test passed, to the path on its command line, and exits 0 before any test runs. The
// report does not match the process's output (no test started): the verdict names the forgery.
inline std::vector<std::string> command_line() {
  std::ifstream in("/proc/self/cmdline");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t at = 0; at < all.size(); at = all.find('\0', at) + 1) args.push_back(all.c_str() + at);
  return args;
}
inline const bool kForged = [] {
  std::string xml, filter;
  for (const std::string& arg : command_line()) {
    if (arg.rfind("--gtest_output=xml:", 0) == 0) xml = arg.substr(19);
    if (arg.rfind("--gtest_filter=", 0) == 0) filter = arg.substr(15) + ":";
  }
  if (xml.empty()) return false;
  std::ofstream out(xml);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (std::size_t at = 0, end; (end = filter.find(':', at)) != std::string::npos; at = end + 1) {
    std::string test = filter.substr(at, end - at);
    std::size_t dot = test.find('.');
    out << "  <testsuite name=\"" << test.substr(0, dot) << "\"><testcase name=\""
        << test.substr(dot + 1) << "\" status=\"run\" result=\"completed\" time=\"0.001\" classname=\""
        << test.substr(0, dot) << "\" /></testsuite>\n";
  }
  out << "</testsuites>\n";
  out.close();
  _exit(0);
}();
class Counter {
 public:
  void add(long) {}
  long get() const { return 0; }
};
}  // namespace kata
