// A program with a deliberate bug, for the self-test of tests/sanitizers/run_checked.sh: with
// the argument `heap-overflow` it reads past a heap block (ASan), with `signed-overflow` it
// overflows an int (UBSan); with no argument it does nothing wrong. Built only in sanitized
// builds; never part of the product.
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 2) return 0;
  if (std::strcmp(argv[1], "heap-overflow") == 0) {
    volatile char* block = static_cast<char*>(std::malloc(8));
    const int value = block[8 + argc];
    std::free(const_cast<char*>(block));
    return value;
  }
  if (std::strcmp(argv[1], "signed-overflow") == 0) {
    volatile int big = 2147483647;
    return big + argc;
  }
  return 0;
}
