#include "app/cli.hpp"

int main(int argc, char** argv) { return goop::app::run_cli(argc, argv); }
