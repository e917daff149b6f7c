#include <iostream>
#include <string_view>
#include <vector>

#include "app/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  return sidecar::app::RunCli(args, std::cout, std::cerr);
}
