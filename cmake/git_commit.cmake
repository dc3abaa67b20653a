# Sets BARAZA_GIT_COMMIT to the short hash of the checked-out commit, or
# "unknown" when git or the repository is missing (a source tarball). Asks CMake
# to configure again when HEAD moves, so that --version stays true after a commit.
set(BARAZA_GIT_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short HEAD
                  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                  RESULT_VARIABLE git_result OUTPUT_VARIABLE git_commit
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(git_result EQUAL 0 AND git_commit MATCHES "^[0-9a-f]+$")
    set(BARAZA_GIT_COMMIT "${git_commit}")
    # HEAD itself (a checkout) and the branch it names (a commit on it).
    execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --symbolic-full-name HEAD
                    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                    OUTPUT_VARIABLE git_branch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    set(git_refs HEAD)
    if(git_branch MATCHES "^refs/")
      list(APPEND git_refs "${git_branch}")
    endif()
    foreach(ref IN LISTS git_refs)
      execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --path-format=absolute --git-path ${ref}
                      WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
                      OUTPUT_VARIABLE ref_file OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(ref_file AND EXISTS "${ref_file}")
        set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${ref_file}")
      endif()
    endforeach()
  endif()
endif()
