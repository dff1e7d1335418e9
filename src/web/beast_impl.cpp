// Compiles Boost.Beast once (BOOST_BEAST_SEPARATE_COMPILATION); only src/web uses Beast.
#include <boost/beast/src.hpp>
